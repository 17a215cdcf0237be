/**
 * One HTTP message of a captured REST call, as the `raw` text of a frame of kind `http`:
 *
 *   PUT /finesse/api/User/agent1 HTTP/1.1        HTTP/1.1 202 Accepted
 *   Host: 127.0.0.1:8445                         Content-Length: 0
 *   Authorization: Basic [redacted]
 *   requestId: 7f3e…                             (empty body)
 *
 *   <User><state>READY</state></User>
 *
 * Start line, headers as the browser or server sent them (credentials redacted before the text is
 * ever made, so no store, log or file holds them), an empty line, the body as text. Lines end in
 * `\n`: this is a reading of the message, not its bytes (Node has already parsed those). Readers
 * get the structured message back with parseHttpMessage().
 */
import { REDACTED } from '../xmpp/sasl';

export type HeaderList = [name: string, value: string][];

export interface HttpMessage {
  /** Request: `PUT`; undefined for a response. */
  method?: string;
  /** Request target as sent, `/finesse/api/User/agent1?x=1`. */
  target?: string;
  /** Response status. */
  status?: number;
  statusText?: string;
  headers: HeaderList;
  body: string;
}

/** A header value that is a credential: the scheme is kept (`Basic`), the rest never stored. */
const CREDENTIAL_HEADERS = new Set(['authorization', 'proxy-authorization']);

/** Pairs from Node's flat raw header list, with credentials redacted. */
export function redactedHeaders(raw: readonly string[]): HeaderList {
  const out: HeaderList = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i], redactHeader(raw[i], raw[i + 1])]);
  return out;
}

export function redactHeader(name: string, value: string): string {
  const lower = name.toLowerCase();
  if (CREDENTIAL_HEADERS.has(lower)) {
    const scheme = /^\s*([A-Za-z][\w-]*)\s+\S/.exec(value);
    return scheme ? `${scheme[1]} ${REDACTED}` : REDACTED;
  }
  // Cookies carry the session: names kept, values never stored.
  if (lower === 'cookie') return value.replace(/(^|;\s*)([^=;\s]+)=[^;]*/g, `$1$2=${REDACTED}`);
  if (lower === 'set-cookie') return value.replace(/^(\s*[^=;\s]+)=[^;]*/, `$1=${REDACTED}`);
  return value;
}

export function formatRequest(method: string, target: string, headers: HeaderList, body: string): string {
  return `${method} ${target} HTTP/1.1\n${headerLines(headers)}\n${body}`;
}

export function formatResponse(status: number, statusText: string, headers: HeaderList, body: string): string {
  return `HTTP/1.1 ${status}${statusText ? ` ${statusText}` : ''}\n${headerLines(headers)}\n${body}`;
}

function headerLines(headers: HeaderList): string {
  let out = '';
  for (const [name, value] of headers) out += `${name}: ${value}\n`;
  return out;
}

const REQUEST_LINE = /^([A-Z][A-Z0-9_-]*) (\S+) HTTP\/[\d.]+$/;
const STATUS_LINE = /^HTTP\/[\d.]+ (\d{3})(?: (.*))?$/;

/** Reads a frame's raw text back; undefined when it is not an HTTP message. */
export function parseHttpMessage(raw: string): HttpMessage | undefined {
  const headEnd = raw.indexOf('\n\n');
  const head = headEnd < 0 ? raw : raw.slice(0, headEnd);
  const body = headEnd < 0 ? '' : raw.slice(headEnd + 2);
  const lines = head.split('\n');
  const start = lines[0].replace(/\r$/, '');
  const message: HttpMessage = { headers: [], body };
  const request = REQUEST_LINE.exec(start);
  const response = request ? null : STATUS_LINE.exec(start);
  if (request) {
    message.method = request[1];
    message.target = request[2];
  } else if (response) {
    message.status = Number(response[1]);
    if (response[2]) message.statusText = response[2];
  } else return undefined;
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) message.headers.push([line.slice(0, colon), line.slice(colon + 1).trim()]);
  }
  return message;
}

/** First value of a header, name compared case-insensitively. */
export function headerValue(headers: HeaderList, name: string): string | undefined {
  const want = name.toLowerCase();
  return headers.find(([n]) => n.toLowerCase() === want)?.[1];
}

/** The request target without its query, `/finesse/api/User/agent1`. */
export function pathOf(target: string): string {
  const q = target.search(/[?#]/);
  return q < 0 ? target : target.slice(0, q);
}
