/**
 * Opens a recording whatever it was saved as: a `.finesse-session` file or a HAR from Chrome or
 * Edge DevTools (or from our own export). The kind is taken from the extension, else sniffed
 * from the first bytes, so a renamed file still opens.
 */
import { open as openFile, readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import type { Frame } from '../capture/frame';
import type { SessionInfo } from '../capture/frameStore';
import type { LineError } from './format';
import { importHar, parseHar } from './har';
import { readSessionFile } from './reader';

export interface Recording {
  kind: 'session' | 'har';
  frames: Frame[];
  sessions: SessionInfo[];
  target?: string;
  /** Bad lines of a session file (read on past them). */
  errors: LineError[];
  /** HAR messages that could not be used, and a cut-short session file. */
  warnings: string[];
}

export async function recordingKind(path: string): Promise<'session' | 'har'> {
  const ext = extname(path).toLowerCase();
  if (ext === '.har') return 'har';
  if (ext === '.finesse-session') return 'session';
  const handle = await openFile(path, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(4096), 0, 4096, 0);
    const head = buffer.subarray(0, bytesRead).toString('utf8');
    return /^\s*\{\s*"format"\s*:\s*"finesse-session"/.test(head)
      ? 'session'
      : /"log"\s*:/.test(head)
        ? 'har'
        : 'session';
  } finally {
    await handle.close();
  }
}

/** Reads a recording into memory; `harEntry` chooses among a HAR's WebSocket entries. */
export async function openRecording(path: string, opts: { harEntry?: number | string } = {}): Promise<Recording> {
  if ((await recordingKind(path)) === 'har') {
    const imported = importHar(parseHar(await readFile(path, 'utf8')), { entry: opts.harEntry });
    return {
      kind: 'har',
      frames: imported.frames,
      sessions: [imported.session],
      target: imported.session.target,
      errors: [],
      warnings: imported.warnings.map((w) => `message ${w.message}: ${w.text}`),
    };
  }
  const read = await readSessionFile(path);
  const recording: Recording = {
    kind: 'session',
    frames: read.frames,
    sessions: read.sessions,
    errors: read.errors,
    warnings: [],
  };
  if (read.header.target) recording.target = read.header.target;
  if (read.errorCount > read.errors.length)
    recording.warnings.push(`${read.errorCount - read.errors.length} more bad lines not listed`);
  return recording;
}

/**
 * The frames of one recorded session: the one named, else the first that logged in (has a
 * client <open/>), else the first with frames.
 */
export function pickSession(recording: Recording, id?: string): { session: SessionInfo; frames: Frame[] } {
  const bySession = new Map<string, Frame[]>();
  for (const f of recording.frames) {
    let list = bySession.get(f.session);
    if (!list) bySession.set(f.session, (list = []));
    list.push(f);
  }
  const info = (sid: string): SessionInfo =>
    recording.sessions.find((s) => s.id === sid) ?? { id: sid, label: sid, started: bySession.get(sid)?.[0]?.t ?? 0 };
  if (id !== undefined) {
    const frames = bySession.get(id);
    if (!frames)
      throw new Error(`no session "${id}" in the recording; it has ${[...bySession.keys()].join(', ') || 'no frames'}`);
    return { session: info(id), frames };
  }
  const first =
    [...bySession].find(([, frames]) => frames.some((f) => f.dir === 'out' && f.kind === 'open')) ?? [...bySession][0];
  if (!first) throw new Error('the recording has no frames');
  return { session: info(first[0]), frames: first[1] };
}
