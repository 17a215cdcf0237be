/**
 * `--save FILE` for the commands that capture (connect, proxy): a SessionWriter follows the
 * command's FrameStore from the first frame, redacting SASL payloads and the given secrets, and
 * is closed (end record written) when the command stops. The file is opened up front, so a bad
 * path is a usage error before anything connects.
 */
import { createWriteStream, openSync } from 'node:fs';
import type { FrameStore } from '../core/capture/frameStore';
import { SessionWriter } from '../core/recording/writer';
import { printError, UsageError } from './io';

export interface Saving {
  /** Writes what is still queued and the end record; says on stderr how much was saved. */
  close(): Promise<void>;
}

export function startSaving(path: string | undefined, store: FrameStore, opts: { secrets?: string[]; target?: string } = {}): Saving | undefined {
  if (!path) return undefined;
  let fd: number;
  try {
    fd = openSync(path, 'w');
  } catch (e) {
    throw new UsageError(`--save: cannot write "${path}": ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const stream = createWriteStream(path, { fd, encoding: 'utf8' });
  // Said when it happens (disk full, quota): capture and forwarding go on, the file keeps what
  // was written before, whole lines, readable.
  stream.once('error', (e) => printError(`--save: writing "${path}" failed: ${(e as NodeJS.ErrnoException).code ?? e.message}; capture goes on, the file keeps the frames written so far`));
  const writer = new SessionWriter(stream, { secrets: opts.secrets, target: opts.target });
  writer.follow(store);
  return {
    async close() {
      try {
        const { frames, lost } = await writer.close();
        printError(`saved ${frames} frames to ${path}${lost ? ` (${lost} fell out of memory before they were written)` : ''}`);
      } catch (e) {
        printError(`--save: writing "${path}" failed: ${(e as Error).message}`);
      }
    },
  };
}
