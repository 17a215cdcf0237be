/**
 * Finesse's REST API (`/finesse/api/…`, Basic auth, XML bodies) over the desk. State changes
 * answer 202 Accepted with an empty body and their result arrives as Updates; the `requestId`
 * request header is echoed in those Updates' <requestId>, and in the apiErrors Update when the
 * request fails (then the HTTP answer is the ApiErrors body with its status).
 * Bad input never throws: wrong credentials 401, unknown user or object 404, a body that is not
 * XML 400 with the parser's message, a body over 64 KiB 413.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Element, parseXml } from '../xmpp/xml';
import { now } from '../capture/frame';
import type { ServedRest } from './capture';
import type { Desk, Outcome } from './desk';
import { ApiError, apiErrorsBody, CallVariable, reasonCodesBody, systemInfoBody } from './payloads';

const MAX_BODY = 64 * 1024;
export const API_PREFIX = '/finesse/api/';

export interface RestCall {
  method: string;
  /** Path and query, as requested. */
  path: string;
  status: number;
  /** The `requestId` request header, when there was one. */
  requestId?: string;
  /** The authenticated user, when the credentials were good. */
  user?: string;
}

export class RestApi {
  constructor(
    private readonly desk: Desk,
    private readonly domain: string,
    /**
     * Called once per answered request, before the Updates it causes go out: the summary, and
     * the whole exchange for capture (capture.ts).
     */
    private readonly onCall: (call: RestCall, exchange: ServedRest) => void = () => undefined,
  ) {}

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const received = now();
    let requestBody = '';
    const url = new URL(req.url ?? '/', 'http://finesse');
    const method = (req.method ?? 'GET').toUpperCase();
    const requestId = headerValue(req.headers['requestid']);
    const call: RestCall = { method, path: url.pathname + url.search, status: 0, ...(requestId ? { requestId } : {}) };
    const answer = (status: number, body = '', headers: Record<string, string> = {}) => {
      call.status = status;
      const sent = { 'Content-Type': 'application/xml', 'Cache-Control': 'no-store', ...headers };
      this.onCall(call, {
        method: req.method ?? 'GET',
        target: req.url ?? '/',
        rawHeaders: req.rawHeaders,
        body: requestBody,
        received,
        status,
        headers: sent,
        responseBody: body,
      });
      res.writeHead(status, sent);
      res.end(body);
    };
    const error = (e: ApiError, headers?: Record<string, string>) => answer(e.status, apiErrorsBody([e]), headers);

    let parts: string[];
    try {
      parts = url.pathname.slice(API_PREFIX.length).split('/').filter(Boolean).map(decodeURIComponent);
    } catch {
      return error({ status: 400, type: 'Bad Request', message: 'The request path is not valid percent-encoding' });
    }
    // SystemInfo is readable before sign-in: desktops read it to find the XMPP domain.
    if (parts.length === 1 && parts[0] === 'SystemInfo' && method === 'GET')
      return answer(200, systemInfoBody(this.domain));

    const user = this.authenticate(req);
    if (!user)
      return error(
        { status: 401, type: 'Authorization Failure', message: 'UNAUTHORIZED', data: basicUser(req) ?? '' },
        { 'WWW-Authenticate': 'Basic realm="Cisco Finesse"' },
      );
    call.user = user;

    let body: Element | undefined;
    if (method === 'PUT' || method === 'POST') {
      const read = await readBody(req);
      if (!read.ok) return error({ status: read.status, type: 'Bad Request', message: read.error });
      requestBody = read.text;
      const parsed = parseXml(read.text);
      if (!parsed.ok)
        return error({ status: 400, type: 'Bad Request', message: `The request body is invalid: ${parsed.error}` });
      body = parsed.element;
    }
    const route = `${method} ${parts[0] ?? ''}${parts.length > 2 ? `/*/${parts.slice(2).join('/')}` : parts.length === 2 ? '/*' : ''}`;
    const id = parts[1] ?? '';
    // The answer goes out (and is logged) before the Updates it causes, as on Finesse.
    const accepted = (act: () => Outcome) => {
      const { result, flush } = this.desk.batch(act);
      if (result.ok) answer(202);
      else error(result.error);
      flush();
    };
    const ownUser = (): ApiError | undefined => {
      if (!this.desk.has(id))
        return { status: 404, type: 'User Not Found', message: `The user ${id} does not exist`, data: id };
      if (id !== user)
        return {
          status: 401,
          type: 'Invalid Authorization User Specified',
          message: `${user} may not act for ${id}`,
          data: user,
        };
      return undefined;
    };

    switch (route) {
      case 'GET User/*': {
        const e = ownUser();
        return e ? error(e) : answer(200, this.desk.userBody(id));
      }
      case 'PUT User/*': {
        const e = ownUser();
        if (e) return error(e);
        if (body?.name !== 'User')
          return error({ status: 400, type: 'Invalid Input', message: 'Expected a <User> body' });
        const state = body.getChildText('state')?.trim();
        if (!state)
          return error({ status: 400, type: 'Parameter Missing', message: 'state is required', data: 'state' });
        return accepted(() =>
          this.desk.setState(
            id,
            {
              state,
              extension: body.getChildText('extension')?.trim(),
              reasonCodeId: body.getChildText('reasonCodeId')?.trim() || undefined,
            },
            requestId,
          ),
        );
      }
      case 'GET User/*/Dialogs': {
        const e = ownUser();
        return e ? error(e) : answer(200, this.desk.dialogsBody(id));
      }
      case 'POST User/*/Dialogs': {
        const e = ownUser();
        if (e) return error(e);
        if (body?.name !== 'Dialog')
          return error({ status: 400, type: 'Invalid Input', message: 'Expected a <Dialog> body' });
        const action = body.getChildText('requestedAction')?.trim();
        if (action !== 'MAKE_CALL')
          return error({
            status: 400,
            type: 'Invalid Input',
            message: `requestedAction must be MAKE_CALL, got ${action ?? 'nothing'}`,
            data: 'requestedAction',
          });
        return accepted(() =>
          this.desk.makeCall(
            id,
            {
              fromAddress: body.getChildText('fromAddress')?.trim(),
              toAddress: body.getChildText('toAddress')?.trim(),
              variables: callVariables(body),
            },
            requestId,
          ),
        );
      }
      case 'GET User/*/ReasonCodes':
      case 'GET ReasonCodes': {
        const e = route.startsWith('GET User') ? ownUser() : undefined;
        return e ? error(e) : answer(200, reasonCodesBody(url.searchParams.get('category') ?? undefined));
      }
      case 'GET Dialog/*': {
        const d = this.desk.dialogBody(id, user);
        if (!d)
          return error({ status: 404, type: 'Not Found', message: `Invalid dialogId specified for dialog`, data: id });
        return answer(200, d);
      }
      case 'PUT Dialog/*': {
        if (body?.name !== 'Dialog')
          return error({ status: 400, type: 'Invalid Input', message: 'Expected a <Dialog> body' });
        const action = body.getChildText('requestedAction')?.trim();
        if (!action)
          return error({
            status: 400,
            type: 'Parameter Missing',
            message: 'requestedAction is required',
            data: 'requestedAction',
          });
        return accepted(() =>
          this.desk.dialogAction(
            id,
            user,
            { action, toAddress: body.getChildText('toAddress')?.trim(), variables: callVariables(body) },
            requestId,
          ),
        );
      }
      case 'GET Team/*': {
        const team = this.desk.teamBody(id);
        return team
          ? answer(200, team)
          : error({ status: 404, type: 'Not Found', message: `Team ${id} does not exist`, data: id });
      }
      case 'GET Queue/*': {
        // Any user may read any queue, as on Finesse.
        const queue = this.desk.queueBody(id);
        return queue
          ? answer(200, queue)
          : error({ status: 404, type: 'Not Found', message: `Queue ${id} does not exist`, data: id });
      }
      default:
        return error({ status: 404, type: 'Not Found', message: `No resource ${method} ${url.pathname}` });
    }
  }

  /** The signed-in user for good Basic credentials, else undefined. */
  private authenticate(req: IncomingMessage): string | undefined {
    const creds = basicCredentials(req);
    return creds && this.desk.authenticate(creds.user, creds.password) ? creds.user : undefined;
  }
}

function headerValue(v: string | string[] | undefined): string | undefined {
  const s = Array.isArray(v) ? v[0] : v;
  return s?.trim() || undefined;
}

function basicCredentials(req: IncomingMessage): { user: string; password: string } | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(req.headers.authorization ?? '');
  if (!m) return undefined;
  const text = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = text.indexOf(':');
  return colon > 0 ? { user: text.slice(0, colon), password: text.slice(colon + 1) } : undefined;
}

/** The user name a failed request tried (never the password), for ErrorData. */
function basicUser(req: IncomingMessage): string | undefined {
  return basicCredentials(req)?.user;
}

function callVariables(dialog: Element): CallVariable[] | undefined {
  const list = dialog.getChild('mediaProperties')?.getChild('callvariables')?.getChildren('CallVariable');
  return list
    ?.map((v) => ({ name: v.getChildText('name')?.trim() ?? '', value: v.getChildText('value') ?? '' }))
    .filter((v) => v.name);
}

function readBody(
  req: IncomingMessage,
): Promise<{ ok: true; text: string } | { ok: false; status: number; error: string }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) over = true;
      else chunks.push(c);
    });
    req.on('end', () =>
      resolve(
        over
          ? { ok: false, status: 413, error: `The request body is over ${MAX_BODY} bytes` }
          : { ok: true, text: Buffer.concat(chunks).toString('utf8') },
      ),
    );
    req.on('error', (e) => resolve({ ok: false, status: 400, error: e.message }));
  });
}
