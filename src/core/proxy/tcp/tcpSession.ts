/**
 * One proxied XMPP-over-TCP connection: the real client's socket and its own socket to the real
 * server. Each direction's bytes are split into the stream's top-level pieces
 * (streamSplitter.ts: the stream header, each stanza, whitespace, the end tag, what is not XML);
 * each piece is captured as one frame and forwarded as the bytes that came, unless the gate
 * holds it (then what the gate sends back goes out, or nothing). Bytes that are not XML are
 * forwarded too and the frame is marked malformed: the other endpoint reacts as it would
 * directly.
 *
 * STARTTLS (RFC 6120 §5) is terminated here on both legs: when the server's <proceed/> arrives
 * the server leg turns TLS, verified as every upstream is (a CA file or a pinned fingerprint,
 * against the XMPP domain the client named); when <proceed/> has been written to the client the
 * client leg turns TLS with the product's listener certificate. Each leg's splitter starts over
 * for the new stream, so frames stay the plaintext stanzas on both sides.
 * The session is the LiveSession intercept uses to inject stanzas either way.
 */
import { EventEmitter } from 'node:events';
import type net from 'node:net';
import tls from 'node:tls';
import type { Direction, Frame, FrameFlags, FrameKind } from '../../capture/frame';
import type { FrameStore, SessionInfo } from '../../capture/frameStore';
import type { LiveSession } from '../../capture/liveSession';
import { classifyText } from '../../xmpp/framing';
import { TLS_NS } from '../../xmpp/namespaces';
import type { GateHolder } from '../relay';
import { parseStreamHeader } from './streamHeader';
import { PieceKind, StreamPiece, StreamSplitter } from './streamSplitter';

/** A peer that keeps its socket open after the other side left is cut after this. */
const LINGER_MS = 5000;

export interface TcpSessionOptions {
  store: FrameStore;
  session: SessionInfo;
  client: net.Socket;
  upstream: net.Socket;
  gates: GateHolder;
  /** The listener's key and certificate for STARTTLS towards the client, naming `domain`. */
  clientCertificate(domain: string | undefined): { key: string; cert: string };
  /** The server leg as TLS over `socket`, verified for `domain`; errors are the socket's. */
  upstreamTls(socket: net.Socket, domain: string | undefined): tls.TLSSocket;
  /** A failure worth telling the user (the server's certificate, the client's handshake). */
  onError(err: Error): void;
}

interface Leg {
  socket: net.Socket | tls.TLSSocket;
  splitter: StreamSplitter;
  /** Stops reading `socket` (its reads go to the TLS layer put over it). */
  unwire: () => void;
  closed: boolean;
  /** Bytes for a server leg whose TLS is not verified yet (a pinned fingerprint is checked then). */
  waiting?: Buffer[];
}

const KIND: Record<PieceKind, FrameKind> = {
  header: 'open',
  close: 'close',
  stanza: 'stanza',
  whitespace: 'text',
  junk: 'text',
};

export class TcpProxySession extends EventEmitter<{ end: [] }> implements LiveSession {
  readonly id: string;
  readonly label: string;
  readonly directions = ['in', 'out'] as const;
  /** The XMPP domain the client's stream header named (`to`). */
  domain: string | undefined;
  private readonly legs: Record<'client' | 'upstream', Leg>;
  private open = 2;
  private ended = false;

  constructor(private readonly o: TcpSessionOptions) {
    super();
    this.id = o.session.id;
    this.label = o.session.label;
    this.legs = {
      client: { socket: o.client, splitter: new StreamSplitter(), unwire: () => undefined, closed: false },
      upstream: { socket: o.upstream, splitter: new StreamSplitter(), unwire: () => undefined, closed: false },
    };
    this.wire('client', o.client, true);
    this.wire('upstream', o.upstream, true);
  }

  /** LiveSession: text on one side (out = towards the server), captured with flags. */
  send(dir: Direction, raw: string, flags: FrameFlags = {}): Frame | undefined {
    const dest = this.legs[dir === 'out' ? 'upstream' : 'client'];
    if (dest.closed || !dest.socket.writable) return undefined;
    const frame = this.o.store.append({
      session: this.id,
      dir,
      kind: kindOfText(raw),
      raw,
      bytes: Buffer.byteLength(raw),
      flags: { ...flags },
    });
    this.write(dir, Buffer.from(raw, 'utf8'));
    return frame;
  }

  /** Proxy shutdown: both sockets get a FIN now. */
  shutdown(): void {
    this.legs.client.socket.end();
    this.legs.upstream.socket.end();
  }

  terminate(): void {
    this.legs.client.socket.destroy();
    this.legs.upstream.socket.destroy();
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** Reads `socket` as this leg; `first` for the plain socket the connection began with. */
  private wire(side: 'client' | 'upstream', socket: net.Socket | tls.TLSSocket, first: boolean): void {
    const leg = this.legs[side];
    const dir: Direction = side === 'client' ? 'out' : 'in';
    const onData = (chunk: Buffer) => {
      for (const piece of leg.splitter.push(chunk)) this.onPiece(dir, piece);
    };
    const onEnd = () => {
      for (const piece of leg.splitter.end()) this.onPiece(dir, piece);
      this.other(side).socket.end();
    };
    const onClose = () => this.onClose(side);
    const onError = (err: Error) => {
      // A failed TLS handshake is worth a word: the certificate is what the user must fix.
      if (!first || (err as { code?: string }).code?.startsWith('ERR_SSL')) this.o.onError(err);
    };
    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('close', onClose);
    socket.on('error', onError);
    leg.socket = socket;
    leg.unwire = () => {
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('close', onClose);
    };
  }

  private other(side: 'client' | 'upstream'): Leg {
    return this.legs[side === 'client' ? 'upstream' : 'client'];
  }

  private onPiece(dir: Direction, piece: StreamPiece): void {
    const raw = piece.bytes.toString('utf8');
    const flags: FrameFlags = piece.kind === 'junk' ? { malformed: true } : {};
    const dest = this.legs[dir === 'out' ? 'upstream' : 'client'];
    if (dest.closed) flags.afterClose = true;
    const frame = this.o.store.append({
      session: this.id,
      dir,
      kind: KIND[piece.kind],
      raw,
      bytes: piece.bytes.length,
      flags,
    });
    if (dir === 'out' && piece.kind === 'header') this.domain = parseStreamHeader(raw)?.attrs.to ?? this.domain;
    const gate = this.o.gates.gate;
    if (!gate || gate.admit(frame, (text) => this.write(dir, Buffer.from(text, 'utf8'))) === 'pass')
      this.write(dir, piece.bytes);
    // The server's <proceed/>: its next bytes are TLS, whatever the gate does with the frame.
    if (dir === 'in' && piece.kind === 'stanza' && isProceed(raw)) this.upgradeUpstream();
  }

  private write(dir: Direction, bytes: Buffer): void {
    const leg = this.legs[dir === 'out' ? 'upstream' : 'client'];
    if (leg.closed || !leg.socket.writable) return;
    if (leg.waiting) return void leg.waiting.push(bytes);
    if (!leg.socket.write(bytes)) {
      // A slow reader: stop reading the other side until this one has taken what it was given.
      const source = this.legs[dir === 'out' ? 'client' : 'upstream'].socket;
      source.pause();
      leg.socket.once('drain', () => source.resume());
    }
    // <proceed/> went to the client: its next bytes are its TLS handshake with us.
    if (dir === 'in' && bytes.length < 200 && isProceed(bytes.toString('utf8'))) this.upgradeClient();
  }

  private upgradeUpstream(): void {
    const leg = this.legs.upstream;
    if (leg.socket instanceof tls.TLSSocket) return;
    leg.unwire();
    leg.splitter.reset();
    const secure = this.o.upstreamTls(leg.socket as net.Socket, this.domain);
    // Nothing of the client's reaches the server before its certificate passed (the proxy's own
    // secureConnect check, registered first, destroys the socket on a pin mismatch).
    leg.waiting = [];
    secure.once('secureConnect', () => {
      const waiting = leg.waiting ?? [];
      leg.waiting = undefined;
      if (!secure.destroyed) for (const b of waiting) secure.write(b);
    });
    this.wire('upstream', secure, false);
  }

  private upgradeClient(): void {
    const leg = this.legs.client;
    if (leg.socket instanceof tls.TLSSocket) return;
    leg.unwire();
    leg.splitter.reset();
    const { key, cert } = this.o.clientCertificate(this.domain);
    const secure = new tls.TLSSocket(leg.socket as net.Socket, { isServer: true, key, cert, minVersion: 'TLSv1.2' });
    this.wire('client', secure, false);
  }

  private onClose(side: 'client' | 'upstream'): void {
    const leg = this.legs[side];
    if (leg.closed) return;
    leg.closed = true;
    const other = this.other(side);
    other.socket.end();
    setTimeout(() => other.socket.destroy(), LINGER_MS).unref();
    if (--this.open === 0) {
      this.ended = true;
      this.emit('end');
    }
  }
}

function isProceed(raw: string): boolean {
  return /^\s*<proceed[\s/>]/.test(raw) && raw.includes(TLS_NS);
}

/** The kind of a frame the proxy itself sends (an injected or edited one). */
function kindOfText(raw: string): FrameKind {
  if (parseStreamHeader(raw)) return 'open';
  if (/^\s*<\/[^\s>]*stream\s*>\s*$/.test(raw)) return 'close';
  return classifyText(raw);
}
