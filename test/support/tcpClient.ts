/**
 * Runs test/support/xmppTcpClient.mjs (@xmpp/client over xmpp://, in its own process so it can
 * trust a test certificate the way a deployed integration does, through NODE_EXTRA_CA_CERTS)
 * and turns its JSON lines into awaitable events.
 */
import { spawn, ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface TcpClientOptions {
  service: string;
  domain: string;
  username: string;
  password: string;
  resource: string;
  /** PEM file the client trusts for STARTTLS. */
  caFile?: string;
  /** Send initial presence once online (default true). */
  presence?: boolean;
}

export interface TcpClientEvent {
  event: 'online' | 'stanza' | 'error' | 'offline';
  jid?: string;
  secure?: boolean;
  xml?: string;
  message?: string;
}

export class TcpClient {
  readonly events: TcpClientEvent[] = [];
  private readonly proc: ChildProcessWithoutNullStreams;
  private waiters: { match: (e: TcpClientEvent) => boolean; resolve: (e: TcpClientEvent) => void }[] = [];
  private stderr = '';
  private readonly exited: Promise<number | null>;

  constructor(opts: TcpClientOptions) {
    const env = { ...process.env };
    if (opts.caFile) env.NODE_EXTRA_CA_CERTS = opts.caFile;
    else delete env.NODE_EXTRA_CA_CERTS;
    this.proc = spawn(process.execPath, [join(__dirname, 'xmppTcpClient.mjs'), JSON.stringify(opts)], { env });
    this.proc.stderr.on('data', (d) => (this.stderr += d));
    this.proc.stdin.on('error', () => undefined); // the client may have exited already
    this.exited = new Promise((resolve) => this.proc.once('exit', (code) => resolve(code)));
    createInterface({ input: this.proc.stdout }).on('line', (line) => {
      const e = JSON.parse(line) as TcpClientEvent;
      this.events.push(e);
      this.waiters = this.waiters.filter((w) => (w.match(e) ? (w.resolve(e), false) : true));
    });
  }

  /** The first event (already seen or to come) that matches; rejects if the client exits first. */
  next(match: (e: TcpClientEvent) => boolean): Promise<TcpClientEvent> {
    const seen = this.events.find(match);
    if (seen) return Promise.resolve(seen);
    return Promise.race([
      new Promise<TcpClientEvent>((resolve) => this.waiters.push({ match, resolve })),
      this.exited.then((code) => {
        throw new Error(`client exited (${code}) first: ${JSON.stringify(this.events)} ${this.stderr}`);
      }),
    ]);
  }

  online(): Promise<TcpClientEvent> {
    return this.next((e) => e.event === 'online' || e.event === 'error').then((e) => {
      if (e.event === 'error') throw new Error(`client failed: ${e.message} ${this.stderr}`);
      return e;
    });
  }

  stanza(contains: string): Promise<TcpClientEvent> {
    return this.next((e) => e.event === 'stanza' && !!e.xml?.includes(contains));
  }

  send(xml: string): void {
    this.proc.stdin.write(`${JSON.stringify({ send: xml })}\n`);
  }

  /** Ends the stream cleanly and waits for the process to exit. */
  async stop(): Promise<void> {
    if (this.proc.exitCode === null && this.proc.stdin.writable)
      this.proc.stdin.write(`${JSON.stringify({ stop: true })}\n`);
    await this.exited;
  }
}
