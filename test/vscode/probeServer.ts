/**
 * Runner side of the probe (see suite/probe.ts): a loopback HTTP server that answers the
 * in-host tests' questions about the workbench DOM, prints their mocha report as it comes and
 * keeps their result and figures.
 */
import { mkdirSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { ProbeRequest, ProbeResult } from './suite/probe';
import type { Workbench } from '../../tools/workbench';

export interface Metric {
  name: string;
  value: number;
  unit: string;
}

export class ProbeServer {
  result: ProbeResult | undefined;
  readonly metrics: Metric[] = [];
  /** Set once the workbench page is open; DOM questions before that are answered "not ok". */
  workbench: Workbench | undefined;
  private resultSeen!: () => void;
  private shots = 0;
  /** Resolves when the in-host runner reported its result. */
  readonly resultReported = new Promise<void>((r) => (this.resultSeen = r));

  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly print: (line: string) => void,
    private readonly name: string,
    private readonly shotDir: string | undefined,
  ) {}

  /** `name` labels screenshots of failed DOM checks, saved in `shotDir`. */
  static async start(opts: { print: (line: string) => void; name: string; shotDir?: string }): Promise<ProbeServer> {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const probe = new ProbeServer(server, `http://127.0.0.1:${port}/`, opts.print, opts.name, opts.shotDir);
    server.on('request', (req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        probe
          .answer(JSON.parse(body) as ProbeRequest)
          .then((answer) =>
            res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer ?? {})),
          )
          .catch((e: Error) => res.writeHead(500).end(e.message));
      });
    });
    return probe;
  }

  private async answer(req: ProbeRequest): Promise<unknown> {
    switch (req.kind) {
      case 'log':
        for (const line of req.lines) this.print(line);
        return {};
      case 'result':
        this.result = req.result;
        this.resultSeen();
        return {};
      case 'metric':
        this.metrics.push({ name: req.name, value: req.value, unit: req.unit });
        return {};
      case 'statusbar': {
        if (!this.workbench) return { ok: false, text: '(no workbench page)' };
        const answer = await this.workbench.statusBar(new RegExp(req.source, req.flags), req.timeoutMs);
        if (!answer.ok) await this.failureShot('statusbar');
        return answer;
      }
      case 'notification': {
        if (!this.workbench) return { ok: false, text: '(no workbench page)' };
        const answer = await this.workbench.notification(new RegExp(req.source, req.flags), req.timeoutMs);
        if (!answer.ok) await this.failureShot('notification');
        return answer;
      }
      case 'webview': {
        if (!this.workbench) return { ok: false, count: 0, texts: [] };
        const answer = await this.workbench.webviewRows(req.selector, req.min, req.timeoutMs);
        if (!answer.ok) await this.failureShot('webview');
        return answer;
      }
      default:
        throw new Error(`unknown probe request ${JSON.stringify(req)}`);
    }
  }

  /** The workbench as it was when a DOM check failed (the extension host is still running). */
  private async failureShot(check: string): Promise<void> {
    if (!this.shotDir || !this.workbench) return;
    mkdirSync(this.shotDir, { recursive: true });
    const file = join(this.shotDir, `vscode-${this.name}-${check}-${++this.shots}.png`);
    await this.workbench.screenshot(file);
    this.print(`(screenshot of the failed ${check} check: ${file})`);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }
}
