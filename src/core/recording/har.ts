/**
 * HAR 1.2 with Chrome DevTools' WebSocket extension, both ways. DevTools saves a WebSocket as
 * the upgrade request's entry (`_resourceType: "websocket"`, response 101) carrying
 *   `_webSocketMessages: [{type: "send"|"receive", time: <epoch seconds, float>, opcode: 1|2, data}]`
 * (binary data base64, as the DevTools protocol hands it over). Export writes one such entry
 * per capture session; import reads the entries Chrome and Edge write, letting the caller
 * choose when a page had several WebSockets. Exports are redacted like saved sessions. REST calls
 * are entries of their own (harHttp.ts); the gadget desktop's hub frames travel in a custom field
 * of the log (harHub.ts).
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { Frame, FrameKind } from '../capture/frame';
import type { SessionInfo } from '../capture/frameStore';
import { classifyText, SUBPROTOCOL } from '../xmpp/framing';
import { redact } from '../xmpp/sasl';
import { openPrivate } from './privateFile';
import { httpEntries, restFramesOf } from './harHttp';
import { HarHubFrame, HUB_FIELD, hubCauses, hubComment, hubFramesOf, hubMessage } from './harHub';
import { relinkHubCause } from './hubLinks';

export interface HarHeader {
  name: string;
  value: string;
}

interface HarWebSocketMessage {
  type: 'send' | 'receive' | string;
  time: number;
  opcode: number;
  data: string;
  /** The frame's id, on the messages a hub frame names (its `causedBy`). */
  _frameId?: number;
}

/** The part of a HAR entry this module reads and writes; other fields are kept as found. */
export interface HarEntry {
  startedDateTime: string;
  time: number;
  request: {
    method: string;
    url: string;
    httpVersion: string;
    headers: HarHeader[];
    queryString: { name: string; value: string }[];
    cookies: unknown[];
    headersSize: number;
    bodySize: number;
  };
  response: {
    status: number;
    statusText: string;
    httpVersion: string;
    headers: HarHeader[];
    cookies: unknown[];
    content: { size: number; mimeType: string };
    redirectURL: string;
    headersSize: number;
    bodySize: number;
    [k: string]: unknown;
  };
  cache: Record<string, unknown>;
  timings: Record<string, number>;
  _resourceType?: string;
  _webSocketMessages?: HarWebSocketMessage[];
  [k: string]: unknown;
}

export interface Har {
  log: {
    version: string;
    creator: { name: string; version: string };
    pages?: unknown[];
    comment?: string;
    entries: HarEntry[];
    [HUB_FIELD]?: HarHubFrame[];
  };
}

// RFC 6455 opcodes, as DevTools reports them.
const OPCODE_TEXT = 1;
const OPCODE_BINARY = 2;
const OPCODE_CLOSE = 8;
const OPCODE_PING = 9;
const OPCODE_PONG = 10;

const KIND_OPCODE: Record<FrameKind, number> = {
  open: OPCODE_TEXT,
  close: OPCODE_TEXT,
  stanza: OPCODE_TEXT,
  text: OPCODE_TEXT,
  binary: OPCODE_BINARY,
  closeframe: OPCODE_CLOSE,
  ping: OPCODE_PING,
  pong: OPCODE_PONG,
  http: OPCODE_TEXT, // never used: http frames become entries of their own (harHttp.ts)
  hub: OPCODE_TEXT, // never used: hub frames are not WebSocket messages (harHub.ts)
};

// ---------------------------------------------------------------- export

export interface HarExportOptions {
  secrets?: string[];
  toolVersion?: string;
}

/**
 * One HAR entry per session, in session start order. Sessions without frames are left out;
 * frames of sessions not listed get an entry of their own.
 */
export function exportHar(frames: Iterable<Frame>, sessions: SessionInfo[], opts: HarExportOptions = {}): Har {
  const { ws, http, hub } = splitHttp(frames);
  const causes = hubCauses(hub);
  const entries = groupSessions(ws, sessions).map(([info, list]) =>
    sessionEntry(info, list, opts.secrets, true, causes),
  );
  entries.push(...httpEntries(http, originOf(sessions), opts.secrets));
  const har: Har = { log: { ...logHead(opts, hub.length), entries } };
  if (hub.length) har.log[HUB_FIELD] = hub.map((f) => hubMessage(f, opts.secrets));
  return har;
}

/**
 * The same HAR written to a file as a stream: one message line at a time, so a long session
 * never becomes one giant string (V8 caps strings near 512 MB).
 */
export async function writeHarFile(
  path: string,
  frames: Iterable<Frame>,
  sessions: SessionInfo[],
  opts: HarExportOptions = {},
): Promise<{ entries: number; messages: number }> {
  const out = createWriteStream(path, { fd: openPrivate(path), encoding: 'utf8' });
  const failed = new Promise<never>((_, reject) => out.once('error', reject));
  failed.catch(() => undefined);
  const write = async (text: string) => {
    if (!out.write(text)) await Promise.race([once(out, 'drain'), failed]);
  };
  const { ws, http, hub } = splitHttp(frames);
  const causes = hubCauses(hub);
  const groups = groupSessions(ws, sessions);
  const rest = httpEntries(http, originOf(sessions), opts.secrets);
  let messages = 0;
  const head = JSON.stringify({ log: { ...logHead(opts, hub.length), entries: [] } });
  await write(head.slice(0, head.length - '[]}}'.length) + '[\n');
  for (let g = 0; g < groups.length; g++) {
    const [info, list] = groups[g];
    const entry = sessionEntry(info, list, opts.secrets, false);
    const text = JSON.stringify(entry);
    // The entry without its messages ends in `"_webSocketMessages":[]}`; the messages go in between.
    await write(text.slice(0, text.length - ']}'.length));
    for (let i = 0; i < list.length; i++) {
      await write((i ? ',\n' : '\n') + JSON.stringify(harMessage(list[i], opts.secrets, causes)));
      messages++;
    }
    await write(`]}${g < groups.length - 1 || rest.length ? ',' : ''}\n`);
  }
  for (let r = 0; r < rest.length; r++) await write(`${JSON.stringify(rest[r])}${r < rest.length - 1 ? ',' : ''}\n`);
  if (hub.length) {
    await write(`],${JSON.stringify(HUB_FIELD)}:[`);
    for (let i = 0; i < hub.length; i++)
      await write((i ? ',\n' : '\n') + JSON.stringify(hubMessage(hub[i], opts.secrets)));
  }
  await write(']}}\n');
  out.end();
  await Promise.race([once(out, 'finish'), failed]);
  return { entries: groups.length + rest.length, messages };
}

/**
 * REST frames (kind `http`) and hub frames apart from the WebSocket ones: the former become
 * entries of their own, the latter the log's hub field.
 */
function splitHttp(frames: Iterable<Frame>): { ws: Frame[]; http: Frame[]; hub: Frame[] } {
  const ws: Frame[] = [];
  const http: Frame[] = [];
  const hub: Frame[] = [];
  for (const f of frames) (f.kind === 'http' ? http : f.kind === 'hub' ? hub : ws).push(f);
  return { ws, http, hub };
}

/** The upstream origin of an http capture session, for the entries' absolute URLs. */
function originOf(sessions: SessionInfo[]): (session: string) => string | undefined {
  const targets = new Map(sessions.map((s) => [s.id, s.target]));
  return (id) => targets.get(id);
}

function logHead(opts: HarExportOptions, hubFrames = 0): Omit<Har['log'], 'entries'> {
  const head: Omit<Har['log'], 'entries'> = {
    version: '1.2',
    creator: { name: 'finesse-frames', version: opts.toolVersion ?? '0.1.0' },
    pages: [],
  };
  if (hubFrames) head.comment = hubComment(hubFrames);
  return head;
}

/** Frames by session, sessions in start order (a HAR lists entries by start time). */
function groupSessions(frames: Iterable<Frame>, sessions: SessionInfo[]): [SessionInfo, Frame[]][] {
  const bySession = new Map<string, Frame[]>();
  for (const f of frames) {
    let list = bySession.get(f.session);
    if (!list) bySession.set(f.session, (list = []));
    list.push(f);
  }
  const known = new Map(sessions.map((s) => [s.id, s]));
  const groups: [SessionInfo, Frame[]][] = [...bySession].map(([id, list]) => [
    known.get(id) ?? { id, label: id, started: list[0].t },
    list,
  ]);
  return groups.sort((a, b) => Math.min(a[0].started, a[1][0].t) - Math.min(b[0].started, b[1][0].t));
}

function harMessage(f: Frame, secrets: string[] = [], causes?: Set<number>): HarWebSocketMessage {
  const m: HarWebSocketMessage = {
    type: f.dir === 'out' ? 'send' : 'receive',
    time: f.t / 1000,
    opcode: KIND_OPCODE[f.kind],
    data: redact(f.raw, secrets),
  };
  if (causes?.has(f.id)) m._frameId = f.id;
  return m;
}

function sessionEntry(
  info: SessionInfo,
  frames: Frame[],
  secrets: string[] = [],
  withMessages = true,
  causes?: Set<number>,
): HarEntry {
  const url = redact(info.target ?? 'ws://unknown/ws/', secrets);
  const started = Math.min(info.started, frames[0]?.t ?? info.started);
  const last = info.ended ?? frames[frames.length - 1]?.t ?? started;
  let host = 'unknown';
  try {
    host = new URL(url).host;
  } catch {
    // keep 'unknown': the target was not a URL
  }
  return {
    _initiator: { type: 'other' },
    _priority: null,
    _resourceType: 'websocket',
    cache: {},
    connection: '',
    request: {
      method: 'GET',
      url,
      httpVersion: 'HTTP/1.1',
      headers: [
        { name: 'Host', value: host },
        { name: 'Connection', value: 'Upgrade' },
        { name: 'Upgrade', value: 'websocket' },
        { name: 'Sec-WebSocket-Version', value: '13' },
        { name: 'Sec-WebSocket-Protocol', value: SUBPROTOCOL },
      ],
      queryString: [],
      cookies: [],
      headersSize: -1,
      bodySize: 0,
    },
    response: {
      status: 101,
      statusText: 'Switching Protocols',
      httpVersion: 'HTTP/1.1',
      headers: [
        { name: 'Connection', value: 'Upgrade' },
        { name: 'Upgrade', value: 'websocket' },
        { name: 'Sec-WebSocket-Protocol', value: SUBPROTOCOL },
      ],
      cookies: [],
      content: { size: 0, mimeType: 'x-unknown' },
      redirectURL: '',
      headersSize: -1,
      bodySize: 0,
      _transferSize: 0,
      _error: null,
    },
    serverIPAddress: '',
    startedDateTime: new Date(started).toISOString(),
    time: Math.max(0, last - started),
    timings: { blocked: -1, dns: -1, ssl: -1, connect: -1, send: 0, wait: 0, receive: 0, _blocked_queueing: -1 },
    _finesseSession: { id: info.id, label: redact(info.label, secrets) },
    // Last, so writeHarFile can stream the messages into it.
    _webSocketMessages: withMessages ? frames.map((f) => harMessage(f, secrets, causes)) : [],
  };
}

// ---------------------------------------------------------------- import

/** A WebSocket entry of a HAR, for the caller to choose from. */
export interface HarSocket {
  /** Position among the HAR's WebSocket entries (what --har-entry and the QuickPick use). */
  index: number;
  /** Position in log.entries. */
  entryIndex: number;
  url: string;
  started: string;
  messages: number;
}

export class HarError extends Error {}

/** Several WebSocket entries and no choice made: the caller asks the user. */
export class HarChoiceError extends HarError {
  constructor(readonly sockets: HarSocket[]) {
    super(
      `the HAR has ${sockets.length} WebSocket entries; choose one: ${sockets.map((s) => `[${s.index}] ${s.url} (${s.messages} messages)`).join(', ')}`,
    );
  }
}

export interface HarImport {
  socket: HarSocket;
  session: SessionInfo;
  /** Frames with ids from 1, in HAR order. */
  frames: Frame[];
  /** Messages that could not be used (DevTools `error` entries, malformed ones), by position. */
  warnings: { message: number; text: string }[];
  /** With `rest`: the session of the HAR's Finesse REST calls, when it has any (their frames are in `frames`). */
  restSession?: SessionInfo;
  /** With `rest`: the session of the HAR's hub frames, when it has any (their frames are in `frames`). */
  hubSession?: SessionInfo;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses HAR text; a clear error when it is not one. */
export function parseHar(text: string): Har {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new HarError(`not a HAR file: ${(e as Error).message}`);
  }
  if (!isObject(value) || !isObject(value.log) || !Array.isArray(value.log.entries))
    throw new HarError('not a HAR file: no log.entries');
  return value as unknown as Har;
}

function isWebSocketEntry(e: unknown): e is HarEntry {
  if (!isObject(e)) return false;
  if (e._resourceType === 'websocket' || Array.isArray(e._webSocketMessages)) return true;
  const req = e.request;
  const res = e.response;
  return isObject(req) && typeof req.url === 'string' && /^wss?:/i.test(req.url) && isObject(res) && res.status === 101;
}

export function listWebSockets(har: Har): HarSocket[] {
  const out: HarSocket[] = [];
  har.log.entries.forEach((e, entryIndex) => {
    if (!isWebSocketEntry(e)) return;
    const url = isObject(e.request) && typeof e.request.url === 'string' ? e.request.url : '';
    const started = typeof e.startedDateTime === 'string' ? e.startedDateTime : '';
    out.push({
      index: out.length,
      entryIndex,
      url,
      started,
      messages: Array.isArray(e._webSocketMessages) ? e._webSocketMessages.length : 0,
    });
  });
  return out;
}

/**
 * Frames of one WebSocket entry. `entry` picks it by position among the WebSocket entries or
 * by (part of) its URL; without it a HAR with one WebSocket entry is fine and several throw
 * HarChoiceError listing them. `rest` adds the HAR's Finesse REST calls and its hub frames, each
 * as a session of their own; a hub frame keeps its link to the message it relays when that
 * message is among the chosen entry's.
 */
export function importHar(har: Har, opts: { entry?: number | string; rest?: boolean } = {}): HarImport {
  const sockets = listWebSockets(har);
  if (!sockets.length)
    throw new HarError('the HAR has no WebSocket entry (save it from DevTools while the WebSocket is open)');
  let socket: HarSocket | undefined;
  if (opts.entry === undefined) {
    if (sockets.length > 1) throw new HarChoiceError(sockets);
    socket = sockets[0];
  } else if (typeof opts.entry === 'number') {
    socket = sockets[opts.entry];
    if (!socket)
      throw new HarError(`no WebSocket entry ${opts.entry}; the HAR has ${sockets.length} (0…${sockets.length - 1})`);
  } else {
    const want = opts.entry;
    const matches = sockets.filter((s) => s.url === want);
    const partial = matches.length ? matches : sockets.filter((s) => s.url.includes(want));
    if (partial.length > 1) throw new HarChoiceError(partial);
    socket = partial[0];
    if (!socket) throw new HarError(`no WebSocket entry with URL ${JSON.stringify(want)}`);
  }
  const entry = har.log.entries[socket.entryIndex];
  const own = isObject(entry._finesseSession) ? entry._finesseSession : {};
  const sessionId = typeof own.id === 'string' ? own.id : `har-${socket.index}`;
  const startedMs = Date.parse(socket.started);
  const messages = Array.isArray(entry._webSocketMessages) ? entry._webSocketMessages : [];
  const frames: Frame[] = [];
  const warnings: HarImport['warnings'] = [];
  /** `_frameId` of a message → its frame's id here, for the hub frames' links. */
  const byFrameId = new Map<number, number>();
  messages.forEach((m: unknown, i: number) => {
    const problem = messageProblem(m);
    if (problem) {
      warnings.push({ message: i, text: problem });
      return;
    }
    const msg = m as HarWebSocketMessage;
    const kind = kindOf(msg);
    if (typeof msg._frameId === 'number') byFrameId.set(msg._frameId, frames.length + 1);
    frames.push({
      id: frames.length + 1,
      session: sessionId,
      dir: msg.type === 'send' ? 'out' : 'in',
      t: msg.time * 1000,
      kind,
      raw: msg.data,
      bytes: wireBytes(kind, msg.data),
      flags: {},
    });
  });
  const started = Number.isFinite(startedMs) ? startedMs : (frames[0]?.t ?? 0);
  const session: SessionInfo = {
    id: sessionId,
    label: typeof own.label === 'string' ? own.label : socket.url || sessionId,
    target: socket.url,
    started,
  };
  const duration = typeof entry.time === 'number' && entry.time > 0 ? entry.time : undefined;
  if (duration !== undefined) session.ended = started + duration;
  const rest = opts.rest ? restFramesOf(har, `${sessionId}-rest`, frames.length + 1) : [];
  const hub = opts.rest
    ? hubFramesOf(
        har,
        { id: `${sessionId}-hub`, label: `Hub ${session.label}`, started },
        frames.length + rest.length + 1,
        (old) => byFrameId.get(old),
      )
    : { frames: [], warnings: [] };
  warnings.push(...hub.warnings);
  if (!rest.length && !hub.frames.length) return { socket, session, frames, warnings };
  // REST calls, hub frames and WebSocket messages in one timeline: by time, renumbered from 1.
  const merged = [...frames, ...rest, ...hub.frames].sort((a, b) => a.t - b.t || a.id - b.id);
  const renumber = new Map(merged.map((f, i) => [f.id, i + 1]));
  for (const f of merged) {
    f.id = renumber.get(f.id) as number;
    if (f.answers !== undefined) f.answers = renumber.get(f.answers);
    if (f.kind === 'hub') f.raw = relinkHubCause(f.raw, (old) => renumber.get(old));
  }
  const result: HarImport = { socket, session, frames: merged, warnings };
  if (rest.length)
    result.restSession = {
      id: `${sessionId}-rest`,
      label: `REST ${new URL(socket.url || 'http://unknown').host}`,
      started: rest[0].t,
    };
  if (hub.session) result.hubSession = hub.session;
  return result;
}

/** Payload bytes on the wire: binary is base64, a close frame is `code reason` (2 bytes + reason). */
function wireBytes(kind: FrameKind, data: string): number {
  if (kind === 'binary') return Buffer.from(data, 'base64').length;
  if (kind === 'closeframe') {
    const m = /^(\d+)(?: (.*))?$/s.exec(data);
    if (m) return m[1] === '1005' || m[1] === '1006' ? 0 : 2 + Buffer.byteLength(m[2] ?? '');
  }
  return Buffer.byteLength(data);
}

function messageProblem(m: unknown): string | undefined {
  if (!isObject(m)) return 'not an object';
  if (m.type === 'error') return `DevTools recorded a WebSocket error: ${String(m.data)}`;
  if (m.type !== 'send' && m.type !== 'receive') return `unknown message type ${JSON.stringify(m.type)}`;
  if (typeof m.time !== 'number' || !Number.isFinite(m.time)) return 'time is not a number';
  if (typeof m.data !== 'string') return 'data is not a string';
  if (typeof m.opcode !== 'number') return 'opcode is not a number';
  if (![OPCODE_TEXT, OPCODE_BINARY, OPCODE_CLOSE, OPCODE_PING, OPCODE_PONG].includes(m.opcode))
    return `unknown opcode ${m.opcode}`;
  return undefined;
}

function kindOf(m: HarWebSocketMessage): FrameKind {
  switch (m.opcode) {
    case OPCODE_BINARY:
      return 'binary';
    case OPCODE_CLOSE:
      return 'closeframe';
    case OPCODE_PING:
      return 'ping';
    case OPCODE_PONG:
      return 'pong';
    default:
      return classifyText(m.data);
  }
}
