/**
 * Helpers of the fault suite: the upstream ws server as a child process (faultServer.ts) that a
 * test can kill, stop and restart; a client that sends numbered frames and checks every echo;
 * what a process holds (RSS, open files) read from /proc.
 */
import { spawn, ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import WebSocket from 'ws';
import { seqFrame } from './seqFrames';

export interface ServerStats {
  open: number;
  received: number;
  verified: number;
  bad: number;
  buffered: number;
}

export class FaultServer {
  private readonly replies: ((line: string) => void)[] = [];

  private constructor(
    readonly proc: ChildProcess,
    readonly port: number,
  ) {}

  get url(): string {
    return `ws://127.0.0.1:${this.port}/ws`;
  }

  /** Starts the server on `port` (0 = any free one); `pingMs` turns on its ping timeout. */
  static async start(port = 0, pingMs = 0): Promise<FaultServer> {
    const proc = spawn(
      process.execPath,
      ['--require', 'tsx/cjs', join(__dirname, 'faultServer.ts'), String(port), String(pingMs)],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    const lines = createInterface({ input: proc.stdout! });
    const first = new Promise<string>((resolve, reject) => {
      lines.once('line', resolve);
      proc.once('exit', (code) => reject(new Error(`fault server exited (${code}) before listening`)));
    });
    const server = new FaultServer(proc, (JSON.parse(await first) as { port: number }).port);
    lines.on('line', (l) => server.replies.shift()?.(l));
    return server;
  }

  async stats(): Promise<ServerStats> {
    const reply = new Promise<string>((resolve) => this.replies.push(resolve));
    this.proc.stdin!.write('{}\n');
    return JSON.parse(await reply) as ServerStats;
  }

  /** Asks until `ok(stats)`; each answer is one round trip to the server, no fixed waits. */
  async until(ok: (s: ServerStats) => boolean): Promise<ServerStats> {
    for (;;) {
      const s = await this.stats();
      if (ok(s)) return s;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    const gone = once(this.proc, 'exit');
    this.proc.kill(signal);
    await gone;
  }
}

/**
 * A client sending `seqFrame(id, 0..)` and checking that the echoes are exactly what it sent,
 * in order, each once. `mismatches` counts anything else.
 */
export class SeqClient {
  readonly ws: WebSocket;
  sent = 0;
  echoed = 0;
  mismatches = 0;
  private waiters: { n: number; resolve: () => void }[] = [];

  constructor(
    url: string,
    readonly id: string,
  ) {
    this.ws = new WebSocket(url, ['xmpp'], { perMessageDeflate: false, maxPayload: 256 * 1024 * 1024 });
    this.ws.on('message', (data) => {
      if (data.toString() === seqFrame(this.id, this.echoed)) this.echoed++;
      else this.mismatches++;
      this.waiters = this.waiters.filter((w) => (this.echoed >= w.n ? (w.resolve(), false) : true));
    });
    this.ws.on('error', () => undefined);
  }

  opened(): Promise<void> {
    if (this.ws.readyState === WebSocket.OPEN) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('close', (code) => reject(new Error(`closed (${code}) before opening`)));
    });
  }

  send(n: number): void {
    for (let i = 0; i < n; i++) this.ws.send(seqFrame(this.id, this.sent++));
  }

  /** Resolves once `n` echoes arrived (all of them by default). */
  echoes(n = this.sent): Promise<void> {
    if (this.echoed >= n) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ n, resolve }));
  }

  /**
   * Sends at `rate` frames/s, paced by the clock, until stop() or the socket closes; resolves
   * with the number sent.
   */
  stream(rate: number): { stop: () => void; done: Promise<number> } {
    const t0 = performance.now();
    const start = this.sent;
    let timer: NodeJS.Timeout | undefined = undefined;
    let finish: (n: number) => void = () => undefined;
    const done = new Promise<number>((resolve) => (finish = resolve));
    const stop = () => {
      clearInterval(timer);
      finish(this.sent - start);
    };
    timer = setInterval(() => {
      if (this.ws.readyState !== WebSocket.OPEN) return stop();
      const due = Math.floor(((performance.now() - t0) / 1000) * rate);
      this.send(start + due - this.sent);
    }, 2);
    this.ws.once('close', stop);
    return { stop, done };
  }

  closed(): Promise<number> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve(1006);
    return once(this.ws, 'close').then(([code]) => code as number);
  }
}

/** Resident memory of a process, bytes. */
export function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

/** Open file descriptors of a process (sockets included). */
export function openFiles(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

/** Polls `read` until `ok` holds (each look is cheap; the test's timeout bounds the wait). */
export async function eventually<T>(read: () => T, ok: (v: T) => boolean): Promise<T> {
  for (;;) {
    const v = read();
    if (ok(v)) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
}
