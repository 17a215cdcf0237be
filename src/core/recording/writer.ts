/**
 * Streams frames to a `.finesse-session` file (format.ts): from a given iterable, or following
 * a FrameStore as frames arrive. Lines are gathered into chunks and written with backpressure
 * (await 'drain'), so a million frames go to disk in bounded memory and a slow disk never
 * blocks the capture path (the store's `append` listener only queues).
 *
 * Every frame is redacted on the way out: SASL payloads and any configured secret become
 * `[redacted]` (xmpp/sasl.ts). A saved file never holds a credential, whatever the caller does.
 */
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import type { Frame } from '../capture/frame';
import type { FrameStore, SessionInfo } from '../capture/frameStore';
import { peekText } from '../capture/lazyFrame';
import { FollowPace } from '../capture/followPace';
import { redactCounting } from '../xmpp/sasl';
import { openPrivate } from './privateFile';
import { makeHeader, SessionEnd } from './format';

const FOLLOW_SHARE = 0.1;

export interface SessionWriterOptions {
  /** Strings that must never reach the file (passwords, tokens); SASL payloads always are. */
  secrets?: string[];
  /** Upstream URL for the header; defaults to the first session's target. */
  target?: string;
  toolVersion?: string;
  /** Bytes gathered before one write; the default suits both disks and pipes. */
  chunkBytes?: number;
  /**
   * Share of the time writing a followed store may take while frames flood in (default 0.1; 1:
   * writes every frame as it comes). The store holds what waits; a flood longer than the store
   * loses frames from the file, counted in `lost`.
   */
  followShare?: number;
}

export interface WriteSummary {
  frames: number;
  /** Frames that fell out of a followed store (capacity) before they could be written. */
  lost: number;
  /** Credentials and secrets replaced by `[redacted]` (xmpp/sasl.ts). */
  redacted: number;
}

export class SessionWriter {
  private buffer: string[] = [];
  private bufferBytes = 0;
  private headerWritten = false;
  private count = 0;
  private lostCount = 0;
  private redactedCount = 0;
  /** Sessions as the header listed them, so the same record is not written twice. */
  private readonly headerSessions = new Map<string, string>();
  private failure: Error | undefined;
  private closed = false;
  // Following a store:
  private followed?: { store: FrameStore; onAppend: () => void; onSession: (s: SessionInfo) => void };
  /**
   * Next frame id to write from the followed store. The writer reads frames by id from the store
   * rather than queueing them: a writer that falls behind holds nothing the store let go (its
   * memory stays the store's bound), and a frame evicted before its turn counts as lost.
   */
  private next = 0;
  /** Session changes, each before the frame id that was next when it happened (few: a FIFO array). */
  private sessionChanges: { before: number; info: SessionInfo }[] = [];
  private pumping?: Promise<void>;
  /** Paces the writing of a followed store behind forwarding (capture/followPace.ts). */
  private pace?: FollowPace;
  /** The store close() writes the rest of (followed no more). */
  private drainTo?: FrameStore;

  constructor(
    private readonly out: Writable,
    private readonly opts: SessionWriterOptions = {},
  ) {
    out.on('error', (e) => (this.failure ??= e));
  }

  /** A writer onto a new file (truncates an existing one), readable by its owner only. */
  static toFile(path: string, opts?: SessionWriterOptions): SessionWriter {
    return new SessionWriter(createWriteStream(path, { fd: openPrivate(path), encoding: 'utf8' }), opts);
  }

  get frames(): number {
    return this.count;
  }

  /** The first error of the output stream (disk full, permission), if any. */
  get error(): Error | undefined {
    return this.failure;
  }

  /** Writes the header; called by the first write when not called before. */
  header(sessions?: SessionInfo[]): void {
    if (this.headerWritten) return;
    this.headerWritten = true;
    // A followed store's sessions as they are when the first record is written.
    const store = this.followed?.store ?? this.drainTo;
    sessions ??= store ? [...store.sessions.values()] : [];
    const target = this.opts.target ?? sessions.find((s) => s.target)?.target;
    const listed = sessions.map((s) => this.cleanSession(s));
    for (const s of listed) this.headerSessions.set(s.id, JSON.stringify(s));
    const header = makeHeader({
      target: target && this.clean(target),
      sessions: listed,
      toolVersion: this.opts.toolVersion,
    });
    this.push(JSON.stringify(header));
  }

  /** Writes one frame (redacted); resolves once the output has room again. */
  async write(frame: Frame): Promise<void> {
    this.add(frame);
    if (this.full) await this.flush();
  }

  /** Gathers one frame's line; the caller flushes once a chunk is full. */
  private add(frame: Frame): void {
    this.header();
    this.push(this.frameLine(frame));
    this.count++;
  }

  private get full(): boolean {
    return this.bufferBytes >= (this.opts.chunkBytes ?? 64 * 1024);
  }

  async writeSession(info: SessionInfo): Promise<void> {
    this.header();
    const clean = this.cleanSession(info);
    const json = JSON.stringify(clean);
    // Already in the header as it is now: nothing new to say.
    if (this.headerSessions.get(clean.id) === json) return;
    this.headerSessions.delete(clean.id);
    this.push(JSON.stringify({ sessionInfo: clean }));
    if (this.full) await this.flush();
  }

  /** Writes every frame of an iterable (a store, an array, a reader), in order. */
  async writeAll(frames: Iterable<Frame> | AsyncIterable<Frame>, sessions?: SessionInfo[]): Promise<number> {
    this.header(sessions);
    const before = this.count;
    for await (const frame of frames) await this.write(frame);
    return this.count - before;
  }

  /**
   * Writes the frames the store holds now (unless `existing: false`) and then every frame it
   * appends, plus session changes, until close(). The listener only queues; a pump writes.
   */
  follow(store: FrameStore, opts: { existing?: boolean } = {}): void {
    if (this.followed) throw new Error('this writer already follows a store');
    this.next = opts.existing !== false && store.size ? store.firstId : store.lastId + 1;
    this.pace = new FollowPace(store.lastId, this.opts.followShare ?? FOLLOW_SHARE);
    // Once the output failed nothing more will be written: the pump stops at the failure.
    const onAppend = () => void this.kick(); // the pump records its own failure
    const onSession = (s: SessionInfo) => {
      if (this.failure) return;
      this.sessionChanges.push({ before: store.lastId + 1, info: { ...s } });
      void this.kick();
    };
    store.on('append', onAppend);
    store.on('session', onSession);
    this.followed = { store, onAppend, onSession };
    // The header waits for the first record when nothing is captured yet, so it lists the
    // session(s) that record belongs to.
    if (store.size || store.sessions.size) this.header();
    void this.kick();
  }

  /** Stops following, writes what is queued, the end record, and closes the output. */
  async close(): Promise<WriteSummary> {
    if (this.closed) return { frames: this.count, lost: this.lostCount, redacted: this.redactedCount };
    this.closed = true;
    this.pace?.stop();
    if (this.followed) {
      // Every frame appended before close is written, the ones in the store's pending batch too.
      const { store, onAppend, onSession } = this.followed;
      store.off('append', onAppend);
      store.off('session', onSession);
      this.drainTo = store;
      this.followed = undefined;
    }
    await this.kick();
    this.header();
    const end: SessionEnd = { frames: this.count, ended: new Date().toISOString() };
    this.push(JSON.stringify({ end }));
    await this.flush();
    if (!this.failure) {
      const finished = this.settled('finish');
      this.out.end();
      await finished;
    }
    if (this.failure) throw this.failure;
    return { frames: this.count, lost: this.lostCount, redacted: this.redactedCount };
  }

  /** Closes the output without the end record: the file then reads as cut short, which it is. */
  async abort(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.pace?.stop();
    if (this.followed) {
      const { store, onAppend, onSession } = this.followed;
      store.off('append', onAppend);
      store.off('session', onSession);
      this.followed = undefined;
    }
    this.sessionChanges = [];
    await this.flush();
    this.out.end();
  }

  /** Starts the pump if it is idle; resolves when the queue is empty. */
  private kick(): Promise<void> {
    this.pumping ??= this.pump().finally(() => (this.pumping = undefined));
    return this.pumping;
  }

  private async pump(): Promise<void> {
    // The current turn's start, its time limit (FollowPace) and the frames it wrote.
    let started = -1;
    let until = Infinity;
    let done = 0;
    const endTurn = () => {
      if (started >= 0) this.pace?.end(started, performance.now(), done, until !== Infinity);
      started = -1;
    };
    let yielded = false;
    try {
      const store = this.followed?.store ?? this.drainTo;
      while (store && !this.failure && !(this.closed && !this.drainTo)) {
        const change = this.sessionChanges[0];
        if (change && change.before <= this.next) {
          this.sessionChanges.shift();
          await this.writeSession(change.info);
          continue;
        }
        if (this.next > store.lastId) {
          // (A pending session change is due by now: it names an id at most lastId + 1.)
          endTurn();
          await this.flush();
          // Frames appended while the flush waited for the output would otherwise sit behind a
          // pump that is already finishing (kick() hands callers this same promise), and a
          // close() awaiting it would write the end record without them.
          if (this.next > store.lastId && !this.sessionChanges.length) break;
          continue;
        }
        // So far behind that the store let frames go (and may have reused their bytes): lost.
        if (this.next < store.firstId) {
          const skip = Math.min(store.firstId, change?.before ?? Infinity) - this.next;
          this.lostCount += skip;
          this.next += skip;
          continue;
        }
        if (started < 0) {
          started = performance.now();
          until = this.pace && !this.closed ? this.pace.start(started, store.lastId) : Infinity;
          done = 0;
        }
        // Forwarding first: during a flood of frames this turn's share is used up; the store
        // holds the rest until the next append event or the quiet timer.
        if (until !== Infinity && performance.now() >= until) {
          yielded = true;
          break;
        }
        this.add(store.get(this.next++) as Frame);
        done++;
        if (this.full) {
          endTurn();
          await this.flush();
        }
      }
      endTurn();
      // Yielding keeps a part chunk for later rather than making a small write every turn.
      if (yielded) this.pace?.wakeWhenQuiet(() => void this.kick());
      else await this.flush();
    } catch (e) {
      this.failure ??= e as Error;
    }
  }

  private push(line: string): void {
    this.buffer.push(line);
    this.bufferBytes += line.length + 1;
  }

  private async flush(): Promise<void> {
    if (!this.buffer.length || this.failure) return;
    const chunk = this.buffer.join('\n') + '\n';
    this.buffer = [];
    this.bufferBytes = 0;
    if (!this.out.write(chunk)) await this.settled('drain');
  }

  /** Resolves on `event`, or when the output fails or closes (the error is kept in `failure`). */
  private settled(event: 'drain' | 'finish'): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.out.off(event, done);
        this.out.off('error', done);
        this.out.off('close', done);
        resolve();
      };
      this.out.on(event, done);
      this.out.on('error', done);
      this.out.on('close', done);
    });
  }

  private clean(text: string): string {
    const r = redactCounting(text, this.opts.secrets);
    this.redactedCount += r.count;
    return r.text;
  }

  private cleanSession(s: SessionInfo): SessionInfo {
    const out: SessionInfo = { id: s.id, label: this.clean(s.label), started: s.started };
    if (s.target) out.target = this.clean(s.target);
    if (s.ended !== undefined) out.ended = s.ended;
    return out;
  }

  /** The frame's line: fixed field order, redacted text, only the flags that are set. */
  private frameLine(f: Frame): string {
    const flags: Record<string, true> = {};
    for (const [k, v] of Object.entries(f.flags)) if (v === true) flags[k] = true;
    const line: Record<string, unknown> = {
      id: f.id,
      session: f.session,
      dir: f.dir,
      t: f.t,
      kind: f.kind,
      raw: this.clean(peekText(f)), // read once: not kept in a lazy frame
      bytes: f.bytes,
      flags,
    };
    if (f.original !== undefined) line.original = this.clean(f.original);
    if (f.answers !== undefined) line.answers = f.answers;
    if (f.note && (f.note.starred || f.note.text)) {
      const note: Record<string, unknown> = {};
      if (f.note.starred) note.starred = true;
      if (f.note.text) note.text = this.clean(f.note.text);
      line.note = note;
    }
    return JSON.stringify(line);
  }
}

/** Saves frames to a file in one call; the store's sessions go into the header. */
export async function saveSession(
  path: string,
  frames: Iterable<Frame> | AsyncIterable<Frame>,
  opts: SessionWriterOptions & { sessions?: SessionInfo[] } = {},
): Promise<WriteSummary> {
  const writer = SessionWriter.toFile(path, opts);
  try {
    await writer.writeAll(frames, opts.sessions);
  } catch (e) {
    await writer.abort();
    throw e;
  }
  return writer.close();
}
