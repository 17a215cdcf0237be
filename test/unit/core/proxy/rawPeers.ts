/**
 * WebSocket peers at the byte level, independent of ws and of the proxy's own parser: they do
 * the RFC 6455 opening handshake by hand, then write exactly the bytes a test gives them and
 * record exactly the bytes they receive. "The proxy forwards the same bytes" is then a plain
 * Buffer comparison, masks, fragments, reserved bits and all.
 */
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import net from 'node:net';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const acceptKey = (key: string) =>
  createHash('sha1')
    .update(key + GUID)
    .digest('base64');

/** Resolves when `bytes()` has reached `n` bytes (or rejects if the socket closes first). */
class Recorder {
  private chunks: Buffer[] = [];
  private size = 0;
  private waiters: { n: number; resolve: () => void; reject: (e: Error) => void }[] = [];
  closed = false;

  add(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    this.waiters = this.waiters.filter((w) => (this.size >= w.n ? (w.resolve(), false) : true));
  }
  end(): void {
    this.closed = true;
    for (const w of this.waiters)
      w.reject(new Error(`closed after ${this.size} of ${w.n} bytes: ${this.bytes().toString('hex').slice(0, 200)}`));
    this.waiters = [];
  }
  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
  until(n: number): Promise<Buffer> {
    if (this.size >= n) return Promise.resolve(this.bytes());
    if (this.closed) return Promise.reject(new Error(`closed after ${this.size} of ${n} bytes`));
    return new Promise<void>((resolve, reject) => this.waiters.push({ n, resolve, reject })).then(() => this.bytes());
  }
}

export interface RawConnection {
  socket: net.Socket;
  /** Everything received after the handshake. */
  received: Recorder;
  /** Resolves when the TCP connection has closed; `hadEnd` = the peer sent a FIN (not a reset). */
  closed: Promise<{ hadEnd: boolean }>;
}

function wire(socket: net.Socket, head: Buffer): RawConnection {
  const received = new Recorder();
  let hadEnd = false;
  if (head.length) received.add(head);
  socket.on('data', (c: Buffer) => received.add(c));
  socket.on('end', () => {
    hadEnd = true;
    socket.end();
  });
  socket.on('error', () => undefined);
  const closed = once(socket, 'close').then(() => {
    received.end();
    return { hadEnd };
  });
  return { socket, received, closed };
}

/** Reads an HTTP head (up to CRLFCRLF); returns it and the bytes after it. */
async function readHead(socket: net.Socket): Promise<{ head: string; rest: Buffer }> {
  let buf = Buffer.alloc(0);
  for (;;) {
    const end = buf.indexOf('\r\n\r\n');
    if (end >= 0) return { head: buf.subarray(0, end).toString('latin1'), rest: buf.subarray(end + 4) };
    const [chunk] = (await Promise.race([
      once(socket, 'data'),
      once(socket, 'close').then(() =>
        Promise.reject(new Error(`closed during the handshake: ${buf.toString('latin1')}`)),
      ),
    ])) as [Buffer];
    buf = Buffer.concat([buf, chunk]);
  }
}

/** A server answering every upgrade (choosing `xmpp` when offered) and recording raw bytes. */
export class RawServer {
  readonly connections: RawConnection[] = [];
  /** Each request head, for checks on path and headers. */
  readonly requests: string[] = [];
  private waiting: ((c: RawConnection) => void)[] = [];

  private constructor(private readonly server: net.Server) {
    server.on('connection', (socket) => void this.accept(socket).catch(() => socket.destroy()));
  }

  static async start(): Promise<RawServer> {
    const server = net.createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return new RawServer(server);
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.server.address() as net.AddressInfo).port}/ws`;
  }

  /** The next connection to complete its handshake (or one that already did, by index). */
  connection(index: number): Promise<RawConnection> {
    if (this.connections[index]) return Promise.resolve(this.connections[index]);
    return new Promise((resolve) =>
      this.waiting.push(() => this.connections.length > index && resolve(this.connections[index])),
    );
  }

  private async accept(socket: net.Socket): Promise<void> {
    socket.setNoDelay(true);
    const { head, rest } = await readHead(socket);
    this.requests.push(head);
    const key = /^sec-websocket-key:\s*(\S+)/im.exec(head)?.[1] ?? '';
    const wantsXmpp = /^sec-websocket-protocol:.*\bxmpp\b/im.test(head);
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${acceptKey(key)}\r\n${wantsXmpp ? 'Sec-WebSocket-Protocol: xmpp\r\n' : ''}\r\n`,
    );
    socket.pause();
    const conn = wire(socket, rest);
    socket.resume();
    this.connections.push(conn);
    for (const w of this.waiting) w(conn);
  }

  async close(): Promise<void> {
    for (const c of this.connections) c.socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** A client doing the handshake by hand (offering `xmpp`), then raw bytes both ways. */
export async function rawClient(
  url: string,
  protocols: string[] = ['xmpp'],
): Promise<RawConnection & { response: string }> {
  const u = new URL(url);
  const socket = net.connect(Number(u.port), u.hostname);
  socket.setNoDelay(true);
  await once(socket, 'connect');
  const key = randomBytes(16).toString('base64');
  socket.write(
    `GET ${u.pathname}${u.search} HTTP/1.1\r\nHost: ${u.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n` +
      (protocols.length ? `Sec-WebSocket-Protocol: ${protocols.join(', ')}\r\n` : '') +
      '\r\n',
  );
  const { head, rest } = await readHead(socket);
  if (!head.startsWith('HTTP/1.1 101')) throw new Error(`upgrade refused: ${head}`);
  if (!head.includes(acceptKey(key))) throw new Error(`wrong Sec-WebSocket-Accept: ${head}`);
  return { ...wire(socket, rest), response: head };
}

/** One frame with every header bit chosen by the test. Masked frames use the given key. */
export function rawFrame(
  opcode: number,
  payload: string | Buffer,
  opts: { fin?: boolean; rsv?: number; mask?: Buffer | false } = {},
): Buffer {
  const data = Buffer.from(payload);
  const mask = opts.mask === undefined ? randomBytes(4) : opts.mask;
  const n = data.length;
  const ext = n < 126 ? 0 : n < 65536 ? 2 : 8;
  const head = Buffer.alloc(2 + ext + (mask ? 4 : 0));
  head[0] = (opts.fin === false ? 0 : 0x80) | (opts.rsv ?? 0) | opcode;
  head[1] = (mask ? 0x80 : 0) | (ext === 0 ? n : ext === 2 ? 126 : 127);
  if (ext === 2) head.writeUInt16BE(n, 2);
  if (ext === 8) head.writeBigUInt64BE(BigInt(n), 2);
  if (!mask) return Buffer.concat([head, data]);
  mask.copy(head, 2 + ext);
  const masked = Buffer.from(data.map((b, i) => b ^ mask[i & 3]));
  return Buffer.concat([head, masked]);
}

/** A close frame payload: code then reason (none when code is undefined). */
export function closeBody(code?: number, reason = ''): Buffer {
  if (code === undefined) return Buffer.alloc(0);
  const b = Buffer.alloc(2 + Buffer.byteLength(reason));
  b.writeUInt16BE(code, 0);
  b.write(reason, 2);
  return b;
}
