/**
 * The `.finesse-session` file format: JSON lines, so a session of a million frames streams to
 * and from disk without ever being one document in memory.
 *
 *   line 1      header  {"format":"finesse-session","version":1,"created":ISO,"target":…,"sessions":[…],"tool":{…}}
 *   line 2…     one Frame record per line (capture/frame.ts), SASL payloads redacted
 *   any line    {"sessionInfo":{…}}  a session opened or ended after the header was written
 *   last line   {"end":{"frames":N,"ended":ISO}}  written on a clean close; its absence means
 *               the file was cut short (crash, full disk) and the reader says so
 *
 * Older versions are upgraded line by line on read (recording/migrations.ts), so a new version
 * only adds one migration and never a second reader.
 */
import {
  FRAME_FLAGS,
  FRAME_KINDS,
  type Direction,
  type Frame,
  type FrameFlags,
  type FrameKind,
} from '../capture/frame';
import type { SessionInfo } from '../capture/frameStore';

const SESSION_FORMAT = 'finesse-session';
export const SESSION_VERSION = 1;
export const SESSION_EXTENSION = '.finesse-session';

export interface SessionHeader {
  format: typeof SESSION_FORMAT;
  version: number;
  /** ISO time the file was written. */
  created: string;
  /** Upstream URL the recorded sessions talked to (first session's target when several). */
  target?: string;
  sessions: SessionInfo[];
  tool: { name: string; version: string };
}

/** Trailer written on a clean close. */
export interface SessionEnd {
  frames: number;
  ended: string;
}

/** One line of a session file after the header. */
export type SessionRecord = { frame: Frame } | { sessionInfo: SessionInfo } | { end: SessionEnd };

/** A problem with one line; reading goes on past it. */
export interface LineError {
  line: number;
  message: string;
}

/** The file as a whole cannot be read as a session (not one, or from a newer version). */
export class SessionFileError extends Error {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(line ? `line ${line}: ${message}` : message);
  }
}

const KINDS: ReadonlySet<FrameKind> = new Set(FRAME_KINDS);

export function makeHeader(opts: {
  target?: string;
  sessions?: SessionInfo[];
  created?: Date;
  toolVersion?: string;
}): SessionHeader {
  const header: SessionHeader = {
    format: SESSION_FORMAT,
    version: SESSION_VERSION,
    created: (opts.created ?? new Date()).toISOString(),
    sessions: opts.sessions ?? [],
    tool: { name: 'finesse-frames', version: opts.toolVersion ?? '0.1.0' },
  };
  if (opts.target) header.target = opts.target;
  return header;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Checks a (current-version) header object; returns the reason it is not one. */
export function checkHeader(v: unknown): SessionHeader | string {
  if (!isObject(v)) return 'header is not a JSON object';
  if (v.format !== SESSION_FORMAT) return `not a ${SESSION_FORMAT} header (format ${JSON.stringify(v.format)})`;
  if (typeof v.version !== 'number' || !Number.isInteger(v.version)) return 'header has no integer version';
  if (typeof v.created !== 'string') return 'header has no created time';
  if (v.target !== undefined && typeof v.target !== 'string') return 'header target is not a string';
  if (!Array.isArray(v.sessions)) return 'header has no sessions list';
  const sessions: SessionInfo[] = [];
  for (const s of v.sessions) {
    const checked = checkSessionInfo(s);
    if (typeof checked === 'string') return `header ${checked}`;
    sessions.push(checked);
  }
  const tool =
    isObject(v.tool) && typeof v.tool.name === 'string' && typeof v.tool.version === 'string'
      ? { name: v.tool.name, version: v.tool.version }
      : { name: 'unknown', version: '' };
  const header: SessionHeader = { format: SESSION_FORMAT, version: v.version, created: v.created, sessions, tool };
  if (typeof v.target === 'string') header.target = v.target;
  return header;
}

function checkSessionInfo(v: unknown): SessionInfo | string {
  if (!isObject(v)) return 'session is not an object';
  if (typeof v.id !== 'string') return 'session has no id';
  if (typeof v.started !== 'number' || !Number.isFinite(v.started)) return `session ${v.id} has no start time`;
  const info: SessionInfo = { id: v.id, label: typeof v.label === 'string' ? v.label : v.id, started: v.started };
  if (typeof v.target === 'string') info.target = v.target;
  if (typeof v.ended === 'number' && Number.isFinite(v.ended)) info.ended = v.ended;
  return info;
}

/**
 * Checks one frame object from an untrusted file, field by field, and returns a clean Frame
 * (unknown fields dropped, unknown flags ignored) or the reason it is not one.
 */
export function checkFrame(v: unknown): Frame | string {
  if (!isObject(v)) return 'not a JSON object';
  if (typeof v.id !== 'number' || !Number.isInteger(v.id) || v.id < 1) return 'frame id is not a positive integer';
  if (typeof v.session !== 'string') return 'frame session is not a string';
  if (v.dir !== 'in' && v.dir !== 'out') return `frame dir must be "in" or "out", got ${JSON.stringify(v.dir)}`;
  if (typeof v.t !== 'number' || !Number.isFinite(v.t)) return 'frame time t is not a number';
  if (typeof v.kind !== 'string' || !KINDS.has(v.kind as FrameKind))
    return `unknown frame kind ${JSON.stringify(v.kind)}`;
  if (typeof v.raw !== 'string') return 'frame raw is not a string';
  const bytes =
    typeof v.bytes === 'number' && Number.isFinite(v.bytes) && v.bytes >= 0 ? v.bytes : Buffer.byteLength(v.raw);
  const flags: FrameFlags = {};
  if (v.flags !== undefined) {
    if (!isObject(v.flags)) return 'frame flags is not an object';
    for (const name of FRAME_FLAGS) if (v.flags[name] === true) flags[name] = true;
  }
  const frame: Frame = {
    id: v.id,
    session: v.session,
    dir: v.dir as Direction,
    t: v.t,
    kind: v.kind as FrameKind,
    raw: v.raw,
    bytes,
    flags,
  };
  if (typeof v.original === 'string') frame.original = v.original;
  if (typeof v.answers === 'number' && Number.isInteger(v.answers) && v.answers > 0) frame.answers = v.answers;
  const note = checkNote(v.note);
  if (note) frame.note = note;
  return frame;
}

/** The user's star/comment of a frame; anything else in the field is ignored. */
function checkNote(v: unknown): Frame['note'] {
  if (!isObject(v)) return undefined;
  const note: NonNullable<Frame['note']> = {};
  if (v.starred === true) note.starred = true;
  if (typeof v.text === 'string' && v.text) note.text = v.text.slice(0, MAX_NOTE);
  return note.starred || note.text ? note : undefined;
}
/** Longest comment kept: a note, not a second payload. */
export const MAX_NOTE = 10_000;

/** Sorts a (current-version) record line that is not the header. */
export function checkRecord(v: unknown): SessionRecord | string {
  if (isObject(v) && 'sessionInfo' in v) {
    const info = checkSessionInfo(v.sessionInfo);
    return typeof info === 'string' ? info : { sessionInfo: info };
  }
  if (isObject(v) && 'end' in v) {
    const end = v.end;
    if (!isObject(end) || typeof end.frames !== 'number') return 'end record has no frame count';
    return { end: { frames: end.frames, ended: typeof end.ended === 'string' ? end.ended : '' } };
  }
  const frame = checkFrame(v);
  return typeof frame === 'string' ? frame : { frame };
}
