/**
 * REST capture for reverse mode: every HTTP exchange under /finesse/api/ (or every one, with
 * `all`) becomes two frames of kind `http` in the store, in the same timeline as the desktop's
 * WebSocket and BOSH frames:
 *  - the request (dir `out`), appended as soon as its body is complete, so its id comes before
 *    any Update the call causes (correlation links those back to it: core/finesse/correlation.ts);
 *  - the response (dir `in`, `answers` = the request frame's id), appended when its body ends.
 * Bodies are tapped beside the forwarding pipe (bosh.ts's tap: a second 'data' listener, 1 MB kept), so the
 * exchange never waits on capture; credentials are redacted before any text is made
 * (core/http/message.ts). Other paths (the desktop's pages, scripts, images) are only counted.
 */
import type { IncomingMessage } from 'node:http';
import { now } from '../../capture/frame';
import type { Frame } from '../../capture/frame';
import type { FrameStore, SessionInfo } from '../../capture/frameStore';
import { decode, tap } from './bosh';
import { isUtf8 } from 'node:buffer';
import { formatRequest, formatResponse, pathOf, redactedHeaders } from '../../http/message';

/** `api`: only /finesse/api/ (the default); `all`: every request; `none`: nothing. */
export type HttpCaptureMode = 'api' | 'all' | 'none';
export const HTTP_CAPTURE_MODES: readonly HttpCaptureMode[] = ['api', 'all', 'none'];

const API_PREFIX = '/finesse/api/';

export interface HttpCaptureCounts {
  /** Exchanges recorded as frames. */
  captured: number;
  /** Exchanges forwarded without being recorded (outside /finesse/api/). */
  skipped: number;
}

export class HttpCapture {
  readonly counts: HttpCaptureCounts = { captured: 0, skipped: 0 };
  private session?: SessionInfo;

  constructor(
    private readonly store: FrameStore,
    private readonly target: string,
    private readonly mode: HttpCaptureMode = 'api',
    private readonly onSession?: (s: SessionInfo) => void,
  ) {}

  /** Whether a request to `url` is recorded in this mode. */
  captures(url: string | undefined): boolean {
    if (this.mode === 'none') return false;
    if (this.mode === 'all') return true;
    return pathOf(url ?? '').startsWith(API_PREFIX);
  }

  /**
   * Starts recording one exchange: call with the browser's request before piping it; then
   * `response(upstreamResponse)` or `failed()`. Undefined (and counted) when not recorded.
   */
  exchange(req: IncomingMessage): HttpExchange | undefined {
    if (!this.captures(req.url)) {
      this.counts.skipped++;
      return undefined;
    }
    this.counts.captured++;
    return new HttpExchange(this, req);
  }

  /** Closes the capture session (the proxy is closing). */
  end(): void {
    if (this.session) this.store.endSession(this.session.id);
  }

  /** @internal */
  append(dir: 'in' | 'out', raw: string, t: number, bytes: number, answers?: number): Frame {
    this.session ??= this.open();
    return this.store.append({ session: this.session.id, dir, kind: 'http', raw, t, bytes, answers });
  }

  private open(): SessionInfo {
    const session = this.store.openSession({
      id: `http-${Date.now().toString(36)}`,
      label: `REST ${this.target}`,
      target: this.target,
    });
    this.onSession?.(session);
    return session;
  }
}

export class HttpExchange {
  private readonly t0 = now();
  private request?: Frame;
  private done = false;

  constructor(
    private readonly capture: HttpCapture,
    private readonly req: IncomingMessage,
  ) {
    tap(req, (body, size) => this.recordRequest(body, size));
  }

  response(res: IncomingMessage): void {
    const encoding = String(res.headers['content-encoding'] ?? '').toLowerCase();
    tap(res, (body, size) => {
      const request = this.recordRequest();
      if (this.done) return;
      this.done = true;
      const raw = formatResponse(
        res.statusCode ?? 0,
        res.statusMessage ?? '',
        redactedHeaders(res.rawHeaders),
        bodyText(decode(body, encoding), size, body.length),
      );
      this.capture.append('in', raw, now(), size, request.id);
    });
    res.once('close', () => {
      if (!res.complete) this.failed('response cut off');
    });
  }

  /** No complete answer will come: the request is still recorded, with a note of why. */
  failed(reason = 'no response'): void {
    const request = this.recordRequest();
    if (this.done) return;
    this.done = true;
    this.capture.append('in', formatResponse(502, `(${reason})`, [], ''), now(), 0, request.id);
  }

  /** Appends the request frame once (with what body came, if the response came first). */
  private recordRequest(body?: Buffer, size = 0): Frame {
    if (this.request) return this.request;
    const req = this.req;
    const raw = formatRequest(
      req.method ?? 'GET',
      req.url ?? '/',
      redactedHeaders(req.rawHeaders),
      bodyText(body, size, body?.length),
    );
    this.request = this.capture.append('out', raw, this.t0, size);
    return this.request;
  }
}

/**
 * Body text for display: UTF-8 text as is, anything else as a note of its size. `size` is the
 * body's length on the wire; when more came than `body` kept, a note says how much is missing.
 */
export function bodyText(body: Buffer | undefined, size: number, kept = size): string {
  if (!body) return size ? `[${size} bytes, not decodable]` : '';
  if (!isUtf8(body)) return `[${body.length} bytes binary]`;
  const text = body.toString('utf8');
  return size > kept ? `${text}\n[… ${size - kept} more bytes not captured]` : text;
}
