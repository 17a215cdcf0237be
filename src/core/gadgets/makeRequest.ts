/**
 * Shindig's makeRequest wire format (core.io/io.js on the gadget side, MakeRequestHandler on the
 * server): the gadget sends `url, httpMethod, headers (itself form-encoded), postData,
 * contentType, getFullHeaders, gadget, container…` in the query of a GET or as a form-encoded
 * POST body; the answer is `throw 1; < don't be evil' >` followed by
 * `{"URL AS SENT":{"rc":STATUS,"body":"…","headers":{"name":["value"]}}}`, where headers are the
 * upstream's, lower-cased, all of them with getFullHeaders and only set-cookie/location without.
 */
import type { RestRequest, RestResponse } from './restForwarder';

const UNPARSEABLE_CRUFT = "throw 1; < don't be evil' >";

/** Headers Shindig never forwards (HttpRequestHandler.BAD_HEADERS), plus hop-by-hop ones. */
const DROPPED_HEADERS = new Set([
  'host',
  'accept-encoding',
  'content-length',
  'connection',
  'transfer-encoding',
  'keep-alive',
]);

export interface ProxiedRequest {
  /** `url` exactly as sent: the key of the answer. */
  rawUrl: string;
  url: URL;
  method: string;
  headers: Record<string, string>;
  body?: string;
  getFullHeaders: boolean;
  contentType: string;
}

export class MakeRequestError extends Error {}

/** Reads the proxied request from the fields of the query or form body. */
export function readProxiedRequest(fields: URLSearchParams): ProxiedRequest {
  const rawUrl = fields.get('url');
  if (!rawUrl) throw new MakeRequestError('url parameter is missing.');
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new MakeRequestError('Invalid url parameter');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new MakeRequestError('Invalid url parameter');
  const method = (fields.get('httpMethod') || 'GET').toUpperCase();
  if (!/^[A-Z]+$/.test(method)) throw new MakeRequestError(`Invalid httpMethod ${method}`);
  const headers: Record<string, string> = {};
  const headerData = fields.get('headers') ?? '';
  if (headerData) {
    for (const pair of headerData.split('&')) {
      if (!pair) continue;
      const parts = pair.split('=');
      if (parts.length !== 2) throw new MakeRequestError(`Malformed header param specified:${pair}`);
      const name = decodeForm(parts[0]);
      if (!DROPPED_HEADERS.has(name.toLowerCase())) headers[name] = decodeForm(parts[1]);
    }
  }
  // Shindig sends a body for POST and PUT only.
  let body: string | undefined;
  if (method === 'POST' || method === 'PUT') {
    body = fields.get('postData') ?? '';
    if (method === 'POST' && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type'))
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
  }
  return {
    rawUrl,
    url,
    method,
    headers,
    body,
    getFullHeaders: fields.get('getFullHeaders') === 'true',
    contentType: fields.get('contentType') || 'TEXT',
  };
}

export function toRestRequest(p: ProxiedRequest): RestRequest {
  return { method: p.method, url: p.url, headers: p.headers, body: p.body };
}

/** The answer's text for one upstream response. */
export function formatProxiedResponse(p: ProxiedRequest, res: RestResponse): string {
  const headers: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(res.headers)) {
    const lower = name.toLowerCase();
    if (!p.getFullHeaders && lower !== 'set-cookie' && lower !== 'location') continue;
    (headers[lower] ??= []).push(value);
  }
  const entry: Record<string, unknown> = { rc: res.status, body: res.body };
  if (Object.keys(headers).length) entry.headers = headers;
  return UNPARSEABLE_CRUFT + JSON.stringify({ [p.rawUrl]: entry });
}

function decodeForm(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    throw new MakeRequestError(`Malformed header param specified:${s}`);
  }
}
