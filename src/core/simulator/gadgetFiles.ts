/**
 * `--serve DIR`: a folder served at /3rdpartygadget/files/, where Finesse serves third-party
 * gadgets, so a gadget (or a plain test page) opened from the simulator makes same-origin REST,
 * WebSocket and BOSH calls. Read-only GET/HEAD; nothing outside DIR is reachable (no `..`, no
 * symlink escapes); directories answer their index.html.
 */
import { createReadStream, realpathSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';

export const GADGET_PREFIX = '/3rdpartygadget/files/';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.xml': 'application/xml',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json',
};

export class GadgetFiles {
  private readonly root: string;

  constructor(dir: string) {
    this.root = realpathSync(resolve(dir));
    if (!statSync(this.root).isDirectory()) throw new Error(`${dir} is not a directory`);
  }

  /**
   * The file a path relative to DIR names, refused (403) when it would leave DIR (`..`, a NUL, a
   * symlink pointing out) and 404 when it is not a file; a directory names its index.html.
   */
  locate(rel: string): { file: string; size: number } | { status: 403 | 404; text: string } {
    if (rel.includes('\0') || rel.split('/').includes('..')) return { status: 403, text: 'Forbidden' };
    let file = join(this.root, rel);
    try {
      if (statSync(file).isDirectory()) file = join(file, 'index.html');
      file = realpathSync(file);
    } catch {
      return { status: 404, text: 'Not Found' };
    }
    if (file !== this.root && !file.startsWith(this.root + sep)) return { status: 403, text: 'Forbidden' };
    try {
      const st = statSync(file);
      return st.isFile() ? { file, size: st.size } : { status: 404, text: 'Not Found' };
    } catch {
      return { status: 404, text: 'Not Found' };
    }
  }

  handle(req: IncomingMessage, res: ServerResponse): void {
    const fail = (status: number, text: string) => {
      res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(`${text}\n`);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return fail(405, 'Method Not Allowed');
    let rel: string;
    try {
      rel = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname.slice(GADGET_PREFIX.length));
    } catch {
      return fail(400, 'Bad Request');
    }
    const found = this.locate(rel);
    if ('status' in found) return fail(found.status, found.text);
    streamFile(req, res, found.file, found.size);
  }
}

/** Streams a file found on disk with its type and length (headers only for HEAD), never cached. */
export function streamFile(req: IncomingMessage, res: ServerResponse, file: string, size: number): void {
  res.writeHead(200, {
    'Content-Type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
    'Content-Length': String(size),
    'Cache-Control': 'no-cache',
    'X-Content-Type-Options': 'nosniff',
  });
  if (req.method === 'HEAD') return void res.end();
  createReadStream(file)
    .on('error', () => res.destroy())
    .pipe(res);
}
