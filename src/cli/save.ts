/**
 * `--save FILE` for the commands that capture (connect, proxy): a SessionWriter follows the
 * command's FrameStore from the first frame, redacting SASL payloads and the given secrets, and
 * is closed (end record written) when the command stops. The file is opened up front, so a bad
 * path, or an existing file without `--force`, is a usage error before anything connects.
 * The file is created 0600 (recording/privateFile.ts).
 */
import { createWriteStream } from 'node:fs';
import { openPrivate } from '../core/recording/privateFile';
import type { FrameStore } from '../core/capture/frameStore';
import { SessionWriter } from '../core/recording/writer';
import { fsErrorText, printError, UsageError } from './io';

export interface Saving {
  /** Writes what is still queued and the end record; says on stderr how much was saved. */
  close(): Promise<void>;
}

export function startSaving(
  path: string | undefined,
  store: FrameStore,
  opts: { secrets?: string[]; target?: string; force?: boolean } = {},
): Saving | undefined {
  if (!path) return undefined;
  let fd: number;
  try {
    fd = openPrivate(path, { exclusive: !opts.force });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST')
      throw new UsageError(`--save: "${path}" exists; add --force to overwrite it`);
    throw new UsageError(
      `--save: cannot write "${path}": ${fsErrorText(e)} (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  const stream = createWriteStream(path, { fd, encoding: 'utf8' });
  // Said when it happens (disk full, quota): capture and forwarding go on, the file keeps what
  // was written before, whole lines, readable.
  stream.once('error', (e) =>
    printError(
      `--save: writing "${path}" failed: ${(e as NodeJS.ErrnoException).code ?? e.message}; capture goes on, the file keeps the frames written so far`,
    ),
  );
  const writer = new SessionWriter(stream, { secrets: opts.secrets, target: opts.target });
  writer.follow(store);
  return {
    async close() {
      try {
        const { frames, lost, redacted } = await writer.close();
        const notes = [`${redacted} credential${redacted === 1 ? '' : 's'} redacted`];
        if (lost) notes.push(`${lost} fell out of memory before they were written`);
        printError(`saved ${frames} frames to ${path} (${notes.join('; ')})`);
      } catch (e) {
        printError(`--save: writing "${path}" failed: ${(e as Error).message}`);
      }
    },
  };
}
