/**
 * REST calls (frames of kind `http`) in a HAR: each request frame and the response frame that
 * answers it become one ordinary HAR entry, as DevTools writes an XHR, so the export opens in
 * any HAR viewer next to the WebSocket entries. Credentials were redacted at capture; the
 * caller's secrets are redacted here as in every export.
 */
import type { Frame } from '../capture/frame';
import {
  formatRequest,
  formatResponse,
  HeaderList,
  headerValue,
  parseHttpMessage,
  redactHeader,
} from '../http/message';
import { redact } from '../xmpp/sasl';
import type { Har, HarEntry, HarHeader } from './har';

/** HAR entries for the http frames among `frames` (requests without an answer get status 0). */
export function httpEntries(
  frames: readonly Frame[],
  origin: (session: string) => string | undefined,
  secrets: string[] = [],
): HarEntry[] {
  const responses = new Map<number, Frame>();
  for (const f of frames)
    if (f.kind === 'http' && f.dir === 'in' && f.answers !== undefined) responses.set(f.answers, f);
  const entries: HarEntry[] = [];
  for (const f of frames) {
    if (f.kind !== 'http' || f.dir !== 'out') continue;
    const entry = httpEntry(f, responses.get(f.id), origin(f.session) ?? 'http://unknown', secrets);
    if (entry) entries.push(entry);
  }
  return entries;
}

function httpEntry(
  request: Frame,
  response: Frame | undefined,
  origin: string,
  secrets: string[],
): HarEntry | undefined {
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

/**
 * The Finesse REST calls of a HAR (entries under /finesse/api/, as DevTools saves XHRs and as
 * httpEntries writes them) back as http frames of session `session`: each entry a request frame
 * and a response frame answering it. Ids are provisional (`answers` points at the request's
 * provisional id); importHar renumbers them with the WebSocket frames. Credentials are redacted
 * on the way in, as at capture.
 */
export function restFramesOf(har: Har, session: string, firstId: number): Frame[] {
  const frames: Frame[] = [];
  let id = firstId;
  // Entries come from a file: read as unknown, field by field.
  for (const e of har.log.entries as unknown[]) {
    if (!isObject(e) || e._resourceType === 'websocket' || Array.isArray(e._webSocketMessages)) continue;
    const req = isObject(e.request) ? e.request : undefined;
    const res = isObject(e.response) ? e.response : undefined;
    if (!req || typeof req.url !== 'string' || typeof req.method !== 'string') continue;
    let url: URL;
    try {
      url = new URL(req.url);
    } catch {
      continue;
    }
    if (!url.pathname.startsWith('/finesse/api/')) continue;
    const t = typeof e.startedDateTime === 'string' ? Date.parse(e.startedDateTime) : NaN;
    if (!Number.isFinite(t)) continue;
    const postData = isObject(req.postData) && typeof req.postData.text === 'string' ? req.postData.text : '';
    const request: Frame = {
      id: id++,
      session,
      dir: 'out',
      t,
      kind: 'http',
      raw: formatRequest(req.method, url.pathname + url.search, headersOf(req.headers), postData),
      bytes: Buffer.byteLength(postData),
      flags: {},
    };
    frames.push(request);
    if (!res || typeof res.status !== 'number' || res.status === 0) continue;
    const content = isObject(res.content) && typeof res.content.text === 'string' ? res.content.text : '';
    const took = typeof e.time === 'number' && e.time >= 0 ? e.time : 0;
    frames.push({
      id: id++,
      session,
      dir: 'in',
      t: t + took,
      kind: 'http',
      raw: formatResponse(
        res.status,
        typeof res.statusText === 'string' ? res.statusText : '',
        headersOf(res.headers),
        content,
      ),
      bytes: Buffer.byteLength(content),
      flags: {},
      answers: request.id,
    });
  }
  return frames;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function headersOf(list: unknown): HeaderList {
  if (!Array.isArray(list)) return [];
  const out: HeaderList = [];
  for (const h of list)
    if (isObject(h) && typeof h.name === 'string' && typeof h.value === 'string')
      out.push([h.name, redactHeader(h.name, h.value)]);
  return out;
}
