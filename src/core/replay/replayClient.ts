/**
 * Session replay, client side: sends the client half of a recorded session to a live server
 * (a real Finesse or Prosody), in the recorded order and timing, and captures what the server
 * answers into a FrameStore. Each request waits for its answer before the next frame goes, as
 * the recorded client did: <open/> for the stream features, <auth/> for SASL success, an iq for
 * its result. The recording's SASL payload is redacted, so the login is rebuilt from the given
 * credentials; the recorded JID in attributes becomes the one the live server binds. iq ids are
 * the client's own and are sent as recorded, which is how answers are matched.
 */
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import type { Frame } from '../capture/frame';
import type { FrameStore } from '../capture/frameStore';
import { frameView } from '../capture/frameView';
import { captureClose, captureMessage } from '../proxy/capture';
import { tlsOptionsFor, TlsTrust, explainTlsError } from '../session/tls';
import { classifyText, closeFrame, SUBPROTOCOL } from '../xmpp/framing';
import { hasSaslPayload, plainAuth, REDACTED, SASL_NS } from '../xmpp/sasl';
import type { Element } from '../xmpp/xml';
import { IdRewriter, parseJid } from './idRewrite';
import { awaitsAnswer, buildScript, signatureOf, SM_NAMESPACES } from './replayScript';

export interface ReplayClientOptions {
  /** The live server, ws:// or wss://. */
  url: string;
  /** The recorded session (both directions; the client's frames are sent). */
  frames: readonly Frame[];
  store: FrameStore;
  /** Needed when the recorded <auth/> is redacted (always, for a saved session). */
  credentials?: { user: string; password: string };
  trust?: TlsTrust;
  /** 1 = recorded gaps between client frames, 0 = no pauses beyond waiting for answers. */
  speed?: number;
  /** How long a request waits for its answer before the replay moves on. Default 10 s. */
  replyTimeoutMs?: number;
}

export interface ReplayClientResult {
  sessionId: string;
  sent: number;
  received: number;
  /** Recorded requests the live server did not answer in time. */
  unanswered: Frame[];
  /** Why the replay stopped early (SASL failure, the server closed). */
  stopped?: string;
}

/** Thrown before connecting when the recording cannot be replayed as asked. */
export class ReplayClientError extends Error {}

type Waiter = {
  match: (el: Element | undefined, frame: Frame) => boolean;
  resolve: (frame: Frame | undefined) => void;
};

export async function replayClient(opts: ReplayClientOptions): Promise<ReplayClientResult> {
  // REST calls (kind http) are not part of the XMPP conversation a replay sends.
  const ordered = opts.frames.filter((f) => f.kind !== 'http').sort((a, b) => a.t - b.t || a.id - b.id);
  const outgoing = ordered.filter(
    (f) => f.dir === 'out' && f.kind !== 'ping' && f.kind !== 'pong' && f.kind !== 'closeframe',
  );
  const auth = outgoing.find((f) => signatureOf(f)?.key === 'auth');
  if (auth && !opts.credentials && (auth.raw.includes(REDACTED) || !hasSaslPayload(auth.raw))) {
    throw new ReplayClientError('the recorded SASL payload is redacted: give the user and password to log in with');
  }
  const rewriter = new IdRewriter(buildScript(opts.frames).boundJid);
  // Before bind (the stream <open from=…/>) the user is already known from the credentials.
  if (opts.credentials) rewriter.clientUser = opts.credentials.user;
  const speed = opts.speed ?? 1;
  const timeoutMs = opts.replyTimeoutMs ?? 10_000;

  const ws = new WebSocket(opts.url, [SUBPROTOCOL], {
    ...(tlsOptionsFor(opts.url, opts.trust) as WebSocket.ClientOptions),
    perMessageDeflate: false,
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', (e) => void explainTlsError(e, opts.url).then(reject, reject));
    ws.once('unexpected-response', (_req, res) =>
      reject(
        new Error(`${opts.url} refused the WebSocket upgrade: ${res.statusCode} ${res.statusMessage ?? ''}`.trim()),
      ),
    );
  });
  const session = opts.store.openSession({
    id: `replay-client-${randomUUID()}`,
    label: `replay → ${opts.url}`,
    target: opts.url,
  });
  const result: ReplayClientResult = { sessionId: session.id, sent: 0, received: 0, unanswered: [] };
  const waiters = new Set<Waiter>();
  let closed = false;
  const closedPromise = new Promise<void>((resolve) =>
    ws.once('close', (code, reason) => {
      captureClose(opts.store, session.id, 'in', code, reason);
      closed = true;
      for (const w of waiters) w.resolve(undefined);
      waiters.clear();
      opts.store.endSession(session.id);
      resolve();
    }),
  );
  ws.on('error', () => undefined); // 'close' follows and ends the replay

  ws.on('message', (data, isBinary) => {
    const frame = captureMessage(opts.store, session.id, 'in', data as Buffer, isBinary);
    result.received++;
    const el = frameView(frame).element;
    for (const w of waiters) {
      if (w.match(el, frame)) {
        waiters.delete(w);
        w.resolve(frame);
        break;
      }
    }
    // A live server may ping the client (XEP-0199); the recording cannot know when.
    if (el?.name === 'iq' && el.attrs.type === 'get' && el.getChild('ping', 'urn:xmpp:ping')) {
      send(
        `<iq type="result" id="${el.attrs.id ?? ''}"${el.attrs.from ? ` to="${el.attrs.from}"` : ''} xmlns="jabber:client"/>`,
        false,
      );
    }
  });

  function send(raw: string, replayed = true): void {
    if (closed || ws.readyState !== WebSocket.OPEN) return;
    ws.send(raw);
    opts.store.append({
      session: session.id,
      dir: 'out',
      kind: classifyText(raw),
      raw,
      flags: replayed ? { replayed: true } : {},
    });
    if (replayed) result.sent++;
  }

  function expect(match: Waiter['match']): Promise<Frame | undefined> {
    if (closed) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const w: Waiter = {
        match,
        resolve: (f) => {
          clearTimeout(timer);
          resolve(f);
        },
      };
      const timer = setTimeout(() => {
        waiters.delete(w);
        resolve(undefined);
      }, timeoutMs);
      waiters.add(w);
    });
  }

  let lastSent: { recorded: number; at: number } | undefined;
  try {
    for (const frame of outgoing) {
      if (closed) {
        result.stopped ??= 'the server closed the connection';
        break;
      }
      if (lastSent && speed > 0 && Number.isFinite(speed)) {
        const due = lastSent.at + (frame.t - lastSent.recorded) / speed - performance.now();
        if (due >= 1) await new Promise((r) => setTimeout(r, due));
      }
      lastSent = { recorded: frame.t, at: performance.now() };
      if (frame.kind === 'binary') {
        if (ws.readyState === WebSocket.OPEN) ws.send(Buffer.from(frame.raw, 'base64'));
        opts.store.append({
          session: session.id,
          dir: 'out',
          kind: 'binary',
          raw: frame.raw,
          bytes: Buffer.from(frame.raw, 'base64').length,
          flags: { replayed: true },
        });
        result.sent++;
        continue;
      }
      const sig = signatureOf(frame);
      let raw = rewriter.rewrite(frame.raw);
      if (sig?.key === 'auth' && opts.credentials) raw = plainAuth(opts.credentials.user, opts.credentials.password);
      if (frame.kind === 'close') {
        send(raw);
        await Promise.race([expect((el) => el?.name === 'close'), closedPromise]);
        break;
      }
      if (!sig || !awaitsAnswer(sig)) {
        send(raw);
        continue;
      }
      const request = frameView({ ...frame, raw }).element;
      const answer = expect(answerMatcher(sig.key, request));
      send(raw);
      const reply = await answer;
      if (!reply) {
        if (!closed) result.unanswered.push(frame);
        continue;
      }
      const el = frameView(reply).element;
      if (sig.key === 'auth' && el?.name === 'failure') {
        result.stopped = `SASL failure: ${el.getChildElements()[0]?.name ?? 'not-authorized'}`;
        break;
      }
      const bound = el?.getChild('bind')?.getChildText('jid');
      const jid = bound ? parseJid(bound) : undefined;
      if (jid) {
        rewriter.clientUser = jid.local;
        rewriter.clientResource = jid.resource;
      }
    }
  } finally {
    if (!closed) {
      if (!outgoing.some((f) => f.kind === 'close')) send(closeFrame(), false);
      ws.close(1000);
      const cut = setTimeout(() => ws.terminate(), 2000);
      await closedPromise;
      clearTimeout(cut);
    }
  }
  return result;
}

/** Which server frame answers a request of this kind. */
function answerMatcher(key: string, request: Element | undefined): Waiter['match'] {
  if (key === 'open') return (el) => !!el && (el.name === 'stream:features' || el.name === 'features');
  if (key.startsWith('sm:'))
    return (el) => !!el && SM_NAMESPACES.has(el.attrs.xmlns) && ['enabled', 'resumed', 'failed'].includes(el.name);
  if (key === 'auth' || key === 'response')
    return (el) => !!el && el.attrs.xmlns === SASL_NS && ['success', 'failure', 'challenge'].includes(el.name);
  const id = request?.attrs.id;
  return (el) =>
    !!el && el.name === 'iq' && (el.attrs.type === 'result' || el.attrs.type === 'error') && el.attrs.id === id;
}
