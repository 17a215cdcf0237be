/**
 * Replay to an XMPP-over-TCP client: the replay server's connections run over a WebSocket-like
 * socket (ReplaySocket); this makes one of a TCP connection, so a recording (from a WebSocket,
 * BOSH or TCP session) is served to Smack or SleekXMPP integrations as to a gadget.
 * - the client's stream header becomes the RFC 7395 <open/> the script matches, its end tag
 *   the <close/>; the script's <open/>/<close/> (or a TCP recording's header and end tag) go
 *   out as the TCP header and end tag;
 * - STARTTLS is the replay's own (offered with a certificate, as the local Finesse does): the
 *   recording's TLS negotiation is taken out of the frames (withoutStartTls) and the new stream
 *   after TLS is answered with the header and features the client got first, so the script
 *   sees one plain stream whatever the recording.
 */
import { EventEmitter, once } from 'node:events';
import net from 'node:net';
import tls from 'node:tls';
import type { Frame } from '../../capture/frame';
import type { ReplayServer, ReplaySocket } from '../../replay/replayServer';
import { FRAMING_NS, STREAM_ERRORS_NS, STREAMS_NS, TLS_NS } from '../../xmpp/namespaces';
import { parseXml, xml } from '../../xmpp/xml';
import { headerToOpen, openToHeader, parseStreamHeader, STREAM_CLOSE } from './streamHeader';
import { StreamPiece, StreamSplitter } from './streamSplitter';

const OPEN = 1;
const CLOSED = 3;

/**
 * A TCP recording's frames without its STARTTLS negotiation: what came before the server's
 * <proceed/> (the first header and features, <starttls/>) and the <proceed/> itself go, so the
 * script starts at the stream the client had over TLS.
 */
export function withoutStartTls(frames: readonly Frame[]): Frame[] {
  const bySession = new Map<string, Frame[]>();
  for (const f of frames) bySession.set(f.session, [...(bySession.get(f.session) ?? []), f]);
  const out: Frame[] = [];
  for (const list of bySession.values()) {
    const proceed = list.findIndex((f) => f.dir === 'in' && /^\s*<proceed[\s/>]/.test(f.raw) && f.raw.includes(TLS_NS));
    out.push(...(proceed < 0 ? list : list.filter((f, i) => i > proceed || f.kind === 'http')));
  }
  return out.sort((a, b) => a.id - b.id);
}

/** One TCP client as the WebSocket-like socket a ReplayConnection runs over. */
class TcpReplaySocket extends EventEmitter implements ReplaySocket {
  readyState = OPEN;
  private socket: net.Socket | tls.TLSSocket;
  private readonly splitter = new StreamSplitter();
  private secured = false;
  /** The client's new stream after STARTTLS: answered here, not by the script. */
  private restartDue = false;
  /** What the script sent in answer to the first stream header (header and features). */
  private firstAnswer: string[] | undefined;
  private unwire: () => void;

  constructor(
    socket: net.Socket,
    private readonly certificate: { key: string; cert: string } | undefined,
  ) {
    super();
    this.socket = socket;
    this.unwire = this.wire(socket);
  }

  send(data: string | Buffer): void {
    if (this.readyState !== OPEN) return;
    const raw = typeof data === 'string' ? data : data.toString('utf8');
    const open = /^\s*<open[\s/]/.test(raw) && raw.includes(FRAMING_NS) ? parseXml(raw) : undefined;
    let out = open?.ok
      ? openToHeader(open.element)
      : /^\s*<close[\s/]/.test(raw) && raw.includes(FRAMING_NS)
        ? STREAM_CLOSE
        : raw;
    if (!this.secured && this.certificate && /^\s*<stream:features[\s>]/.test(out))
      out = out.replace(/^(\s*<stream:features[^>]*>)/, `$1<starttls xmlns="${TLS_NS}"/>`);
    if (this.firstAnswer && this.firstAnswer.length < 2) this.firstAnswer.push(out);
    this.socket.write(out);
  }

  close(): void {
    if (this.readyState !== OPEN) return;
    this.socket.write(STREAM_CLOSE);
    this.socket.end();
    this.finish(1000);
  }

  terminate(): void {
    this.socket.destroy();
    this.finish(1006);
  }

  private wire(socket: net.Socket | tls.TLSSocket): () => void {
    const onData = (chunk: Buffer) => {
      for (const piece of this.splitter.push(chunk)) this.onPiece(piece);
    };
    const onClose = () => this.finish(1006);
    const onError = (err: Error) => this.emit('error', err);
    socket.on('data', onData);
    socket.on('close', onClose);
    socket.on('error', onError);
    return () => {
      socket.off('data', onData);
      socket.off('close', onClose);
    };
  }

  private message(raw: string): void {
    this.emit('message', Buffer.from(raw, 'utf8'), false);
  }

  private onPiece(piece: StreamPiece): void {
    if (this.readyState !== OPEN) return;
    const raw = piece.bytes.toString('utf8');
    if (piece.kind === 'header') {
      const header = parseStreamHeader(raw);
      if (!header) return this.streamError('not-well-formed');
      if (this.restartDue && this.firstAnswer) {
        this.restartDue = false;
        for (const answer of this.firstAnswer) this.socket.write(answer.replace(/<starttls [^>]*\/>/, ''));
        return;
      }
      this.firstAnswer ??= [];
      return this.message(headerToOpen(header));
    }
    if (piece.kind === 'close') return this.message(`<close xmlns="${FRAMING_NS}"/>`);
    if (piece.kind === 'junk') return this.streamError('not-well-formed');
    if (piece.kind === 'stanza' && piece.name === 'starttls' && raw.includes(TLS_NS)) return this.startTls();
    this.message(raw);
  }

  private startTls(): void {
    if (!this.certificate || this.secured) {
      this.socket.write(xml('failure', { xmlns: TLS_NS }).toString());
      return this.close();
    }
    const plain = this.socket as net.Socket;
    this.unwire();
    plain.write(xml('proceed', { xmlns: TLS_NS }).toString());
    this.splitter.reset();
    this.secured = true;
    this.restartDue = true;
    const { key, cert } = this.certificate;
    this.socket = new tls.TLSSocket(plain, { isServer: true, key, cert, minVersion: 'TLSv1.2' });
    this.unwire = this.wire(this.socket);
  }

  private streamError(condition: string): void {
    this.socket.write(
      xml('stream:error', { 'xmlns:stream': STREAMS_NS }, xml(condition, { xmlns: STREAM_ERRORS_NS })).toString(),
    );
    this.close();
  }

  private finish(code: number): void {
    if (this.readyState === CLOSED) return;
    this.readyState = CLOSED;
    this.emit('close', code, Buffer.alloc(0));
  }
}

/** A TCP listener (127.0.0.1:0 by default) whose clients the replay server serves. */
export class TcpReplayListener {
  private readonly server: net.Server;
  private address: string | undefined;

  constructor(
    private readonly replay: ReplayServer,
    private readonly certificate?: { key: string; cert: string },
  ) {
    this.server = net.createServer((socket) => {
      socket.setNoDelay(true);
      const remote = `${socket.remoteAddress}:${socket.remotePort}`;
      this.replay.accept(new TcpReplaySocket(socket, this.certificate), remote);
    });
  }

  /** `xmpp://127.0.0.1:PORT` once listening. */
  get url(): string | undefined {
    return this.address;
  }

  async listen(host = '127.0.0.1', port = 0): Promise<string> {
    this.server.listen(port, host);
    await Promise.race([once(this.server, 'listening'), once(this.server, 'error').then(([e]) => Promise.reject(e))]);
    const a = this.server.address() as net.AddressInfo;
    this.address = `xmpp://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`;
    return this.address;
  }

  async close(): Promise<void> {
    if (!this.address) return;
    this.address = undefined;
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
