/**
 * Saved sessions and HAR exports hold a user's calls, agents and customer data: they are
 * created readable and writable by their owner only (0600), and an existing file that is
 * overwritten is narrowed to 0600 too (open's mode applies only to a file it creates).
 */
import { fchmodSync, openSync } from 'node:fs';

const PRIVATE_MODE = 0o600;

/**
 * Opens `path` for writing; `exclusive` refuses an existing file (EEXIST) instead of
 * truncating it. Returns the file descriptor.
 */
export function openPrivate(path: string, opts: { exclusive?: boolean } = {}): number {
  const fd = openSync(path, opts.exclusive ? 'wx' : 'w', PRIVATE_MODE);
  try {
    fchmodSync(fd, PRIVATE_MODE);
  } catch {
    // A file system without modes (some network or FAT mounts): nothing to narrow.
  }
  return fd;
}
