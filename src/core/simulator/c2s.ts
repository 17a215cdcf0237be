/**
 * XMPP over TCP (RFC 6120 client-to-server) for the local Finesse, as integrations other than
 * gadgets use Finesse's Notification Service on port 5222 (Cisco's Smack and SleekXMPP samples,
 * wallboards, CRM connectors). A net server on 127.0.0.1; each connection is a StreamTransport
 * for the same XmppServerSession a WebSocket or BOSH client gets, so users, SASL PLAIN, bind,
 * the auto-subscriptions, explicit subscribes and <conflict/> are the ones of /ws/:
 * - the byte stream is split into its top-level elements (proxy/tcp/streamSplitter.ts); the
 *   stream header becomes the session's <open/>, `</stream:stream>` its <close/>, and the
 *   session's <open/>/<close/> are written back as the TCP header and end tag;
 * - STARTTLS (RFC 6120 §5) is offered when the listener has a certificate (the simulator's
 *   listener certificate) and not required: the listener is on loopback, where plain is
 *   allowed, as a developer's lab server often is. After <proceed/> the socket is wrapped in
 *   TLS and the client's new stream header gets the features again, without STARTTLS;
 * - what is not XML (text outside any element, a stanza over 1 MiB) ends the stream with
 *   <not-well-formed/>, as Openfire does.
 */
import net from 'node:net';
import tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import type { StreamTransport } from '../replay/xmppServerSession';
import { FRAMING_NS, STREAM_ERRORS_NS, STREAMS_NS, TLS_NS } from '../xmpp/namespaces';
import { Element, parseXml, xml } from '../xmpp/xml';
import { StreamSplitter, StreamPiece } from '../proxy/tcp/streamSplitter';
import { headerToOpen, openToHeader, parseStreamHeader, STREAM_CLOSE } from '../proxy/tcp/streamHeader';

/** A client that does not answer our </stream:stream> is cut after this. */
const CLOSE_GRACE_MS = 2000;

export interface C2sHost {
  /** STARTTLS is offered with this key and certificate; without them only plain. */
  certificate?: { key: string; cert: string };
  /** A new TCP stream: the host attaches an XmppServerSession to the transport. */
  onSession(transport: StreamTransport, remote: string): void;
}

/** One TCP client connection as the frames of an RFC 7395 stream. */
class TcpStreamTransport implements StreamTransport {
  private socket: net.Socket | tls.TLSSocket;
  private readonly splitter = new StreamSplitter();
  private frameHandler: (raw: string, isBinary: boolean) => void = () => undefined;
  private readonly closeHandlers: (() => void)[] = [];
  private ended = false;
  private closeWritten = false;
  private secured = false;
  /** A new stream header is due: the one after STARTTLS, which restarts the stream. */
  private restartDue = false;
  private readonly unwire: () => void;

  constructor(
    socket: net.Socket,
    private readonly certificate: { key: string; cert: string } | undefined,
  ) {
    this.socket = socket;
    this.unwire = this.wire(socket);
  }

  get reopens(): boolean {
    return this.restartDue;
  }

  preAuthFeatures(): Element[] {
    return this.certificate && !this.secured ? [xml('starttls', { xmlns: TLS_NS })] : [];
  }

  onFrame(handler: (raw: string, isBinary: boolean) => void): void {
    this.frameHandler = handler;
  }
  onClose(handler: () => void): void {
    this.closeHandlers.push(handler);
  }
  get isOpen(): boolean {
    return !this.ended && this.socket.writable;
  }

  send(raw: string): void {
    if (!this.isOpen) return;
    const open = /^\s*<open[\s/]/.test(raw) && raw.includes(FRAMING_NS) ? parseXml(raw) : undefined;
    if (open?.ok) return void this.socket.write(openToHeader(open.element));
    if (/^\s*<close[\s/]/.test(raw) && raw.includes(FRAMING_NS)) return this.writeClose();
    this.socket.write(raw);
  }

  close(): void {
    if (this.ended) return;
    this.writeClose();
    this.socket.end();
    // A client that never closes its side is cut (RFC 6120 §4.4 lets the server wait a while).
    setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS).unref();
  }

  private writeClose(): void {
    if (this.closeWritten || !this.socket.writable) return;
    this.closeWritten = true;
    this.socket.write(STREAM_CLOSE);
  }

  /** Reads `socket`; returns what stops reading it (the plain socket, once TLS runs over it). */
  private wire(socket: net.Socket | tls.TLSSocket): () => void {
    const onData = (chunk: Buffer) => this.onData(chunk);
    const onClose = () => this.finish();
    const onError = () => socket.destroy();
    socket.on('data', onData);
    socket.on('error', onError);
    socket.on('close', onClose);
    return () => {
      socket.off('data', onData);
      socket.off('close', onClose);
    };
  }

  private onData(chunk: Buffer): void {
    for (const piece of this.splitter.push(chunk)) {
      if (this.ended) return;
      this.onPiece(piece);
    }
  }

  private onPiece(piece: StreamPiece): void {
    const raw = piece.bytes.toString('utf8');
    switch (piece.kind) {
      case 'header': {
        const header = parseStreamHeader(raw);
        if (!header || header.attrs.xmlns !== 'jabber:client' || header.attrs['xmlns:stream'] !== STREAMS_NS)
          return this.streamError(header ? 'invalid-namespace' : 'not-well-formed');
        this.frameHandler(headerToOpen(header), false);
        this.restartDue = false;
        return;
      }
      case 'close':
        return this.frameHandler(`<close xmlns="${FRAMING_NS}"/>`, false);
      case 'whitespace':
        return this.frameHandler(raw, false);
      case 'junk':
        return this.streamError('not-well-formed');
      case 'stanza':
        if (piece.name === 'starttls') return this.startTls(raw);
        return this.frameHandler(raw, false);
    }
  }

  /** RFC 6120 §5.4: <proceed/>, then TLS on the same socket, then a new stream. */
  private startTls(raw: string): void {
    const el = parseXml(raw);
    if (!el.ok || el.element.attrs.xmlns !== TLS_NS) return this.frameHandler(raw, false);
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
    const secure = new tls.TLSSocket(plain, {
      isServer: true,
      key: this.certificate.key,
      cert: this.certificate.cert,
      minVersion: 'TLSv1.2',
    });
    this.socket = secure;
    this.wire(secure);
  }

  private streamError(condition: string): void {
    this.socket.write(
      xml('stream:error', { 'xmlns:stream': STREAMS_NS }, xml(condition, { xmlns: STREAM_ERRORS_NS })).toString(),
    );
    this.close();
    this.finish();
  }

  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    for (const h of this.closeHandlers) h();
  }
}

/** The TCP listener: 127.0.0.1:0 unless told otherwise. */
export class C2sServer {
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private bound: string | undefined;

  constructor(private readonly host: C2sHost) {
    this.server = net.createServer((socket) => this.accept(socket));
  }

  /** `HOST:PORT` once listening. */
  get address(): string | undefined {
    return this.bound;
  }

  async listen(host = '127.0.0.1', port = 0): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const a = this.server.address() as AddressInfo;
    this.bound = `${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`;
    return this.bound;
  }

  /** Stops listening; the sessions' own close (system-shutdown) has ended the streams. */
  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    if (this.bound) await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.bound = undefined;
  }

  private accept(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    socket.setNoDelay(true);
    const remote = `${socket.remoteAddress}:${socket.remotePort}`;
    this.host.onSession(new TcpStreamTransport(socket, this.host.certificate), remote);
  }
}
