/**
 * The local Finesse's own traffic, captured into a FrameStore as reverse mode captures a real
 * server's, so a gadget served by the simulator shows its REST calls and its XMPP session in the
 * same views, correlated the same way:
 *  - every REST exchange it serves is two frames of kind `http` in one `REST …` session: the
 *    request (`out`, at the time it arrived, Authorization and cookies redacted, its `requestId`
 *    header kept so the Updates echoing it are linked) and the response (`in`, `answers` = the
 *    request's id), in the text format of core/http/message.ts;
 *  - every client stream it serves (/ws/ or BOSH) is a store session of its own with each frame
 *    both ways (`out` = client → server: the open, stanzas, the close), labelled with the
 *    client's full JID once it is bound.
 * Nothing here waits: `store.append` stores the text in O(1) and the store tells its readers in
 * a later macrotask (FrameStore batches `append` events), so serving never runs a view's work.
 * Frames a store gets this way are text the simulator already holds as strings (a REST body it
 * parsed, a stanza it sent); there is no wire chunk to keep, so appendLazy has nothing to save.
 */
import { STATUS_CODES } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { now } from '../capture/frame';
import type { FrameInput } from '../capture/frame';
import type { FrameStore, SessionInfo } from '../capture/frameStore';
import { formatRequest, formatResponse, HeaderList, redactedHeaders, redactHeader } from '../http/message';
import { classifyText } from '../xmpp/framing';
import { DEFAULT_RESOURCE } from '../session/resource';
import type { XmppServerSession } from '../replay/xmppServerSession';

/** One REST exchange the simulator answered. */
export interface ServedRest {
  /** Method and target as the client sent them. */
  method: string;
  target: string;
  /** Node's flat raw header list of the request (credentials are redacted here). */
  rawHeaders: readonly string[];
  /** The request body as text ('' for none). */
  body: string;
  /** When the request arrived (frame clock, `now()`). */
  received: number;
  status: number;
  headers: Record<string, string>;
  responseBody: string;
}

/** How a client reached the simulator's XMPP service. */
export type StreamVia = 'ws' | 'bosh' | 'c2s';

const VIA_PATH: Record<StreamVia, string> = { ws: '/ws/', bosh: '/http-bind', c2s: '' };
const VIA_NAME: Record<StreamVia, string> = { ws: 'WebSocket', bosh: 'BOSH', c2s: 'XMPP over TCP' };

export class SimulatorCapture {
  private rest?: SessionInfo;
  private seq = 0;
  private readonly stamp = Date.now().toString(36);
  private readonly open = new Set<string>();

  /**
   * `origin()` names the simulator (`http://127.0.0.1:PORT`) in session labels, once listening.
   * `alreadyCaptured(jid)`: a bound client whose own side the store holds already (our Connect
   * session in the same store), whose stream is therefore not captured a second time.
   */
  constructor(
    private readonly store: FrameStore,
    private readonly origin: () => string | undefined,
    private readonly alreadyCaptured?: (jid: string) => boolean,
  ) {}

  /** Captures one answered REST exchange: the request, then its response. */
  restExchange(x: ServedRest): void {
    this.rest ??= this.openSession(`local-rest-${this.stamp}`, `REST ${this.origin() ?? 'local Finesse'}`);
    const session = this.rest.id;
    const request = this.store.append({
      session,
      dir: 'out',
      kind: 'http',
      raw: formatRequest(x.method, x.target, redactedHeaders(x.rawHeaders), x.body),
      t: x.received,
      bytes: Buffer.byteLength(x.body),
    });
    const headers: HeaderList = Object.entries(x.headers).map(([n, v]) => [n, redactHeader(n, v)]);
    headers.push(['Content-Length', String(Buffer.byteLength(x.responseBody))]);
    this.store.append({
      session,
      dir: 'in',
      kind: 'http',
      raw: formatResponse(x.status, STATUS_CODES[x.status] ?? '', headers, x.responseBody),
      t: Math.max(now(), x.received),
      bytes: Buffer.byteLength(x.responseBody),
      answers: request.id,
    });
  }

  /**
   * Captures a client stream from its first frame to its end, as a session of its own. With
   * `alreadyCaptured`, the frames before the bind wait: only the bound JID tells whether the
   * client is one whose own side the store already holds (then nothing of it is kept).
   */
  stream(stream: XmppServerSession, via: StreamVia, remote?: string, target?: string): void {
    const id = `local-${via}-${this.stamp}-${++this.seq}`;
    const where = target ?? `${this.origin() ?? ''}${VIA_PATH[via]}`;
    const first = `local Finesse ${VIA_NAME[via]}${remote ? ` ${remote}` : ''}`;
    const started = Date.now();
    let pending: FrameInput[] | undefined = this.alreadyCaptured ? [] : undefined;
    let info = pending ? undefined : this.openSession(id, first, where);
    let skipped = false;
    const append = (dir: 'in' | 'out', raw: string) => {
      if (skipped) return;
      const frame: FrameInput = { session: id, dir, kind: classifyText(raw), raw, t: now() };
      if (pending) pending.push(frame);
      else this.store.append(frame);
    };
    const flush = (label: string) => {
      info = this.openSession(id, label, where, started);
      for (const frame of pending ?? []) this.store.append(frame);
      pending = undefined;
    };
    stream.on('received', (raw) => append('out', raw));
    stream.on('sent', (raw) => append('in', raw));
    stream.on('state', (state) => {
      if (state !== 'online' || !stream.jid) return;
      if (pending) {
        if (this.alreadyCaptured?.(stream.jid)) {
          skipped = true;
          pending = undefined;
        } else flush(stream.jid);
      }
      // Bound: the session is the agent's now, as a real client's Sessions entry would say.
      else if (info && this.open.has(id)) info = this.store.openSession({ ...info, label: stream.jid });
    });
    stream.once('close', () => {
      if (pending) flush(first);
      this.endSession(id);
    });
  }

  /** Ends every session still open (the simulator is closing). */
  end(): void {
    for (const id of [...this.open]) this.endSession(id);
    this.rest = undefined;
  }

  private openSession(id: string, label: string, target = this.origin(), started?: number): SessionInfo {
    this.open.add(id);
    return this.store.openSession({ id, label, ...(target ? { target } : {}), ...(started ? { started } : {}) });
  }

  private endSession(id: string): void {
    if (!this.open.delete(id)) return;
    this.store.endSession(id);
  }
}

/** `127.0.0.1:53122` for a request's socket, for a session label. */
export function remoteOf(req: IncomingMessage): string | undefined {
  const { remoteAddress, remotePort } = req.socket;
  if (!remoteAddress) return undefined;
  return `${remoteAddress.includes(':') ? `[${remoteAddress}]` : remoteAddress}:${remotePort}`;
}

/**
 * Whether `jid` is one of our own Connect sessions in `store` connected to the simulator at
 * `url` (`ws://127.0.0.1:PORT/ws/`): an open `client-` session there labelled with that JID, or
 * with its bare JID when it binds our default resource. For `alreadyCaptured`.
 */
export function ownConnectSessions(store: FrameStore, url: () => string | undefined): (jid: string) => boolean {
  return (jid) => {
    const here = url();
    if (!here) return false;
    const slash = jid.indexOf('/');
    const bare = slash < 0 ? jid : jid.slice(0, slash);
    const resource = slash < 0 ? '' : jid.slice(slash + 1);
    for (const s of store.sessions.values()) {
      if (!s.id.startsWith('client-') || s.ended !== undefined || !sameListener(s.target, here)) continue;
      if (s.label === jid || (s.label === bare && resource === DEFAULT_RESOURCE)) return true;
    }
    return false;
  };
}

/** Same port on a loopback host (a Connect URL may say localhost where the listener says 127.0.0.1). */
function sameListener(target: string | undefined, url: string): boolean {
  try {
    const a = new URL(target ?? '');
    const b = new URL(url);
    return a.port === b.port && a.pathname.replace(/\/$/, '') === b.pathname.replace(/\/$/, '');
  } catch {
    return false;
  }
}
