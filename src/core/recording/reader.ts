/**
 * Streams a `.finesse-session` file back as frames, line by line (readline), migrating older
 * versions on the fly. A bad line (corrupt JSON, a field of the wrong type, a line cut short)
 * is recorded as `{line, message}` and skipped: whatever is readable is read, and the caller
 * names the bad lines to the user. Only a file that is not a session at all, or one from a
 * newer version, stops the read (SessionFileError).
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { Frame } from '../capture/frame';
import type { FrameStore, SessionInfo } from '../capture/frameStore';
import {
  checkHeader,
  checkRecord,
  LineError,
  makeHeader,
  SESSION_VERSION,
  SessionEnd,
  SessionFileError,
  SessionHeader,
} from './format';
import { Migrator } from './migrations';
import { relinkHubCause } from './hubLinks';

export interface ReaderOptions {
  /** Errors kept in `errors` (all are counted in `errorCount`); a broken file cannot flood memory. */
  maxErrors?: number;
}

type Line = { n: number; text: string };

export class SessionReader {
  readonly errors: LineError[] = [];
  errorCount = 0;
  header: SessionHeader | undefined;
  /** Version the file was written in (before migration). */
  fileVersion: number | undefined;
  /** Sessions from the header and from later sessionInfo lines, by id. */
  readonly sessions = new Map<string, SessionInfo>();
  end: SessionEnd | undefined;
  /** Lines read, blank ones included. */
  lines = 0;
  private started = false;

  constructor(
    private readonly input: Readable,
    private readonly opts: ReaderOptions = {},
  ) {}

  static fromFile(path: string, opts?: ReaderOptions): SessionReader {
    return new SessionReader(createReadStream(path, { encoding: 'utf8' }), opts);
  }

  /** True when the file ended without its end record (cut short); the read frames are still good. */
  get truncated(): boolean {
    return this.started && !this.end && (this.fileVersion ?? 1) >= 1;
  }

  /** The frames of the file, in file order. Can be iterated once. */
  async *frames(): AsyncGenerator<Frame> {
    if (this.started) throw new Error('a SessionReader reads its input once');
    this.started = true;
    const rl = createInterface({ input: this.input, crlfDelay: Infinity });
    // One line of look-ahead tells the last line apart: a last line that does not parse is a
    // record cut short, and is reported as such.
    let held: Line | undefined;
    let migrator: Migrator | undefined;
    // 'probation': the first line was no header; the second line decides whether this is a
    // session file with a damaged header or some other file altogether.
    let state: 'header' | 'probation' | 'body' = 'header';
    let headerProblem = { line: 0, message: '' };
    let lastLine = 0;
    // handle() is a plain function the line loop calls; it fills in this reader's header.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const self = this;
    const notASession = () =>
      new SessionFileError(`not a finesse-session file (${headerProblem.message})`, headerProblem.line);

    function handle(line: Line, isLast: boolean): Frame | undefined {
      lastLine = line.n;
      let value: unknown;
      let jsonError: string | undefined;
      try {
        value = JSON.parse(line.text);
      } catch (e) {
        jsonError = isLast ? 'the line is cut short (the file ends mid-record)' : `not JSON: ${(e as Error).message}`;
      }
      if (state === 'header') {
        const obj = value as Record<string, unknown> | undefined;
        if (!jsonError && typeof obj === 'object' && obj !== null && obj.format === 'finesse-session') {
          migrator = new Migrator(obj);
          self.fileVersion = migrator.from;
          const header = checkHeader(migrator.header);
          if (typeof header === 'string') throw new SessionFileError(header, line.n);
          self.header = header;
          for (const s of header.sessions) self.sessions.set(s.id, s);
          state = 'body';
          return;
        }
        migrator = new Migrator({ format: 'finesse-session', version: SESSION_VERSION });
        self.fileVersion = SESSION_VERSION;
        self.header = makeHeader({});
        const record = jsonError ? undefined : checkRecord(value);
        if (record && typeof record !== 'string' && 'frame' in record) {
          self.fail(line.n, 'no session header; read as the current format version');
          state = 'body';
          return accept(record, line.n);
        }
        headerProblem = { line: line.n, message: jsonError ?? 'the first line is not a finesse-session header' };
        state = 'probation';
        return;
      }
      const record = jsonError ? jsonError : checkRecord((migrator as Migrator).record(value));
      if (typeof record === 'string') {
        if (state === 'probation') throw notASession();
        self.fail(line.n, record);
        return;
      }
      if (state === 'probation') {
        self.fail(
          headerProblem.line,
          `unreadable session header (${headerProblem.message}); read as the current format version`,
        );
        state = 'body';
      }
      return accept(record, line.n);
    }

    function accept(record: Exclude<ReturnType<typeof checkRecord>, string>, n: number): Frame | undefined {
      if (self.end) {
        self.fail(n, 'data after the end record');
        return undefined;
      }
      if ('frame' in record) {
        if (!self.sessions.has(record.frame.session)) {
          self.sessions.set(record.frame.session, {
            id: record.frame.session,
            label: record.frame.session,
            started: record.frame.t,
          });
        }
        return record.frame;
      }
      if ('sessionInfo' in record) self.sessions.set(record.sessionInfo.id, record.sessionInfo);
      else self.end = record.end;
      return undefined;
    }

    try {
      for await (const text of rl) {
        const line = { n: ++this.lines, text };
        if (!text.trim()) continue;
        if (held) {
          const frame = handle(held, false);
          if (frame) yield frame;
        }
        held = line;
      }
      const last = held && handle(held, true);
      if (last) yield last;
    } finally {
      rl.close();
      this.input.destroy();
    }
    if (state === 'header') throw new SessionFileError('the file is empty');
    if (state === 'probation') throw notASession();
    if (this.truncated && !this.errors.some((e) => e.line === lastLine)) {
      this.fail(
        lastLine + 1,
        'the file ends without its end record: it was cut short (crash or full disk); the frames before it were read',
      );
    }
  }

  private fail(line: number, message: string): void {
    this.errorCount++;
    if (this.errors.length < (this.opts.maxErrors ?? 100)) this.errors.push({ line, message });
  }
}

export interface LoadResult {
  header: SessionHeader;
  frames: number;
  errors: LineError[];
  errorCount: number;
  truncated: boolean;
  sessions: SessionInfo[];
}

/**
 * Puts recorded frames into a store with everything they carry (the edit's original, the user's
 * note, which request a REST response answers and which frame a hub frame relays, renumbered to
 * the store's own ids).
 */
export class RecordedFrames {
  private readonly ids = new Map<number, number>();
  /** A hub frame's link to the XMPP frame it relays is renumbered like `answers` (hubLinks.ts). */
  private readonly newId = (old: number) => this.ids.get(old);

  constructor(private readonly store: FrameStore) {}

  append(frame: Frame): Frame {
    const answers = frame.answers === undefined ? undefined : this.ids.get(frame.answers);
    const added = this.store.append({
      session: frame.session,
      dir: frame.dir,
      t: frame.t,
      kind: frame.kind,
      raw: frame.kind === 'hub' ? relinkHubCause(frame.raw, this.newId) : frame.raw,
      bytes: frame.bytes,
      flags: { ...frame.flags },
      ...(frame.original !== undefined
        ? { original: frame.kind === 'hub' ? relinkHubCause(frame.original, this.newId) : frame.original }
        : {}),
      ...(answers !== undefined ? { answers } : {}),
      ...(frame.note !== undefined ? { note: frame.note } : {}),
    });
    this.ids.set(frame.id, added.id);
    return added;
  }
}

/**
 * Reads a session file into a FrameStore (the viewer's own store): sessions first as they are
 * known, then frames with their recorded times and flags. Store ids are the store's own.
 */
export async function loadSession(path: string, store: FrameStore, opts?: ReaderOptions): Promise<LoadResult> {
  const reader = SessionReader.fromFile(path, opts);
  let count = 0;
  const recorded = new RecordedFrames(store);
  for await (const frame of reader.frames()) {
    if (!store.sessions.has(frame.session)) {
      const info = reader.sessions.get(frame.session);
      store.openSession(info ? { ...info } : { id: frame.session, label: frame.session, started: frame.t });
    }
    recorded.append(frame);
    count++;
  }
  // sessionInfo lines may have ended sessions after their frames were read.
  for (const info of reader.sessions.values()) {
    const held = store.sessions.get(info.id);
    if (held) Object.assign(held, info);
  }
  return {
    header: reader.header as SessionHeader,
    frames: count,
    errors: reader.errors,
    errorCount: reader.errorCount,
    truncated: reader.truncated,
    sessions: [...reader.sessions.values()],
  };
}

/** The whole file in memory: for small files and tests. */
export async function readSessionFile(
  path: string,
  opts?: ReaderOptions,
): Promise<{
  header: SessionHeader;
  frames: Frame[];
  errors: LineError[];
  errorCount: number;
  truncated: boolean;
  sessions: SessionInfo[];
  fileVersion: number;
}> {
  const reader = SessionReader.fromFile(path, opts);
  const frames: Frame[] = [];
  for await (const f of reader.frames()) frames.push(f);
  return {
    header: reader.header as SessionHeader,
    frames,
    errors: reader.errors,
    errorCount: reader.errorCount,
    truncated: reader.truncated,
    sessions: [...reader.sessions.values()],
    fileVersion: reader.fileVersion ?? 1,
  };
}
