/**
 * REST calls (frames of kind `http`) in a HAR: each request frame and the response frame that
 * answers it become one ordinary HAR entry, as DevTools writes an XHR, so the export opens in
 * any HAR viewer next to the WebSocket entries. Credentials were redacted at capture; the
 * caller's secrets are redacted here as in every export.
 */
import type { Frame } from '../capture/frame';
import { HeaderList, headerValue, parseHttpMessage } from '../http/message';
import { redact } from '../xmpp/sasl';
import type { HarEntry, HarHeader } from './har';

/** HAR entries for the http frames among `frames` (requests without an answer get status 0). */
export function httpEntries(frames: readonly Frame[], origin: (session: string) => string | undefined, secrets: string[] = []): HarEntry[] {
  const responses = new Map<number, Frame>();
  for (const f of frames) if (f.kind === 'http' && f.dir === 'in' && f.answers !== undefined) responses.set(f.answers, f);
  const entries: HarEntry[] = [];
  for (const f of frames) {
    if (f.kind !== 'http' || f.dir !== 'out') continue;
    const entry = httpEntry(f, responses.get(f.id), origin(f.session) ?? 'http://unknown', secrets);
    if (entry) entries.push(entry);
  }
  return entries;
}

function httpEntry(request: Frame, response: Frame | undefined, origin: string, secrets: string[]): HarEntry | undefined {
  const req = parseHttpMessage(redact(request.raw, secrets));
  if (!req?.method) return undefined;
  const res = response ? parseHttpMessage(redact(response.raw, secrets)) : undefined;
  let url: URL;
  try {
    url = new URL(req.target ?? '/', origin);
  } catch {
    url = new URL(req.target ?? '/', 'http://unknown');
  }
  const time = response ? Math.max(0, response.t - request.t) : 0;
  const requestType = headerValue(req.headers, 'content-type');
  const responseType = res ? (headerValue(res.headers, 'content-type') ?? 'x-unknown') : 'x-unknown';
  return {
    _resourceType: 'xhr',
    _finesseFrames: { request: request.id, response: response?.id, session: request.session },
    cache: {},
    startedDateTime: new Date(request.t).toISOString(),
    time,
    request: {
      method: req.method,
      url: url.href,
      httpVersion: 'HTTP/1.1',
      headers: harHeaders(req.headers),
      queryString: [...url.searchParams].map(([name, value]) => ({ name, value })),
      cookies: [],
      headersSize: -1,
      bodySize: request.bytes,
      ...(req.body ? { postData: { mimeType: requestType ?? 'application/octet-stream', text: req.body } } : {}),
    },
    response: {
      status: res?.status ?? 0,
      statusText: res?.statusText ?? '',
      httpVersion: 'HTTP/1.1',
      headers: res ? harHeaders(res.headers) : [],
      cookies: [],
      content: Object.assign({ size: response?.bytes ?? 0, mimeType: responseType }, { text: res?.body ?? '' }),
      redirectURL: '',
      headersSize: -1,
      bodySize: response?.bytes ?? 0,
    },
    timings: { send: 0, wait: time, receive: 0 },
  };
}

function harHeaders(headers: HeaderList): HarHeader[] {
  return headers.map(([name, value]) => ({ name, value }));
}
