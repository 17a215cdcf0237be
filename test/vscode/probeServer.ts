/**
 * Runner side of the probe (see suite/probe.ts): a loopback HTTP server that answers the
 * in-host tests' questions about the workbench DOM, prints their mocha report as it comes and
 * keeps their result and figures.
 */
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ProbeRequest, ProbeResult } from './suite/probe';
import type { Workbench } from './workbench';

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
  /** Resolves when the in-host runner reported its result. */
  readonly resultReported = new Promise<void>((r) => (this.resultSeen = r));

  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly print: (line: string) => void,
  ) {}

  static async start(print: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<ProbeServer> {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const probe = new ProbeServer(server, `http://127.0.0.1:${port}/`, print);
    server.on('request', (req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        probe
          .answer(JSON.parse(body) as ProbeRequest)
          .then((answer) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer ?? {})))
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
      case 'statusbar':
        if (!this.workbench) return { ok: false, text: '(no workbench page)' };
        return this.workbench.statusBar(new RegExp(req.source, req.flags), req.timeoutMs);
      case 'webview':
        if (!this.workbench) return { ok: false, count: 0, texts: [] };
        return this.workbench.webviewRows(req.selector, req.min, req.timeoutMs);
      default:
        throw new Error(`unknown probe request ${JSON.stringify(req)}`);
    }
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }
}
