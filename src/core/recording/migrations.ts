/**
 * Upgrades of older session files, one version step at a time (mitmproxy's io/compat.py
 * approach). Each step rewrites the header once and every later line on the fly, so an old
 * file of any size is read as a stream and the reader only ever knows the current version.
 *
 * Adding version N+1: bump SESSION_VERSION in format.ts and append a step {from: N, to: N+1}.
 */
import { classifyText } from '../xmpp/framing';
import { SESSION_VERSION, SessionFileError } from './format';

type Json = Record<string, unknown>;

export interface Migration {
  from: number;
  to: number;
  /** The header of version `from` → the header of version `to`. */
  header(header: Json): Json;
  /** One record line of version `from` → version `to`; `header` is this step's input header. */
  record(record: unknown, header: Json): unknown;
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Version 0, the prototype recorder: a header without a version field, `created` in epoch ms,
 * one session implied by `target`, and frames as `{seq, dir: 'send'|'receive', time, data,
 * binary?}` with no kind, no session, no flags.
 */
const V0_SESSION = 'session-1';
const v0ToV1: Migration = {
  from: 0,
  to: 1,
  header(h) {
    const created = typeof h.created === 'number' ? h.created : Date.parse(String(h.created ?? ''));
    const started = Number.isFinite(created) ? created : 0;
    const target = typeof h.target === 'string' ? h.target : undefined;
    const out: Json = {
      format: 'finesse-session',
      version: 1,
      created: new Date(started).toISOString(),
      sessions: [{ id: V0_SESSION, label: target ?? V0_SESSION, started, ...(target ? { target } : {}) }],
      tool: { name: 'finesse-frames', version: '0' },
    };
    if (target) out.target = target;
    return out;
  },
  record(r) {
    // Anything that is not a v0 frame is passed on unchanged so the reader reports it.
    if (!isObject(r) || typeof r.data !== 'string') return r;
    const binary = r.binary === true;
    const dir = r.dir === 'send' ? 'out' : r.dir === 'receive' ? 'in' : r.dir;
    return {
      id: r.seq,
      session: V0_SESSION,
      dir,
      t: r.time,
      kind: binary ? 'binary' : classifyText(r.data),
      raw: r.data,
      bytes: binary ? Buffer.from(r.data, 'base64').length : Buffer.byteLength(r.data),
      flags: {},
    };
  },
};

const MIGRATIONS: readonly Migration[] = [v0ToV1];

/** The file's version: the prototype wrote none (v0). */
function headerVersion(header: Json): number {
  return header.version === undefined ? 0 : typeof header.version === 'number' ? header.version : NaN;
}

/** Applies the steps from a file's version up to `target`, header first, then each line. */
export class Migrator {
  readonly header: Json;
  readonly from: number;
  private readonly steps: { migration: Migration; input: Json }[] = [];

  constructor(header: Json, target = SESSION_VERSION, table: readonly Migration[] = MIGRATIONS) {
    this.from = headerVersion(header);
    if (!Number.isInteger(this.from) || this.from < 0)
      throw new SessionFileError(`unknown format version ${JSON.stringify(header.version)}`, 1);
    if (this.from > target) {
      throw new SessionFileError(
        `written by a newer finesse-frames (format version ${this.from}); this one reads up to version ${target}`,
        1,
      );
    }
    let current = header;
    for (let v = this.from; v < target;) {
      const migration = table.find((m) => m.from === v);
      if (!migration) throw new SessionFileError(`no migration from format version ${v}`, 1);
      this.steps.push({ migration, input: current });
      current = migration.header(current);
      v = migration.to;
    }
    this.header = current;
  }

  get needed(): boolean {
    return this.steps.length > 0;
  }

  record(record: unknown): unknown {
    let r = record;
    for (const { migration, input } of this.steps) r = migration.record(r, input);
    return r;
  }
}
