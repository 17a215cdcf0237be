/**
 * gadgets.io (core.io/io.js): makeRequest through the container's proxy, /gadgets/makeRequest,
 * in Shindig's wire format: a GET with the fields in the query when the method is GET and no
 * authorization is asked, otherwise a form-encoded POST; the answer's `throw 1; < don't be evil' >`
 * prefix is stripped and `{url: {rc, body, headers}}` becomes the callback's
 * `{rc, text, data, headers, errors}`. A refused or failed proxy call reaches the callback as
 * Shindig gives it (`rc` = the proxy's status); the proxy reports its refusals to the container.
 */
import type { Channel } from './channel';

type Params = Record<string, unknown>;
export interface IoResponse {
  text?: string;
  rc: number;
  headers?: Record<string, string[]>;
  data?: unknown;
  errors: string[];
  [k: string]: unknown;
}
type Callback = (r: IoResponse) => void;

const CRUFT = "throw 1; < don't be evil' >";

function encodeValues(fields: Record<string, unknown>, noEscaping?: boolean): string {
  const out: string[] = [];
  for (const k of Object.keys(fields)) {
    if (/___$/.test(k)) continue;
    const v = String(fields[k]);
    out.push(noEscaping ? `${k}=${v}` : `${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
  }
  return out.join('&');
}

function makeEnum(values: string[]): Record<string, string> {
  return Object.fromEntries(values.map((v) => [v, v]));
}

export function makeIo(opts: {
  proxyUrl: string;
  urlParams: () => Record<string, string>;
  ch: Channel;
  parseJson: (s: string) => unknown;
}) {
  const transform = (params: Params, data: Record<string, unknown>): IoResponse => {
    const resp: IoResponse = {
      text: data.body as string | undefined,
      rc: (data.rc as number) || 200,
      headers: data.headers as Record<string, string[]> | undefined,
      oauthApprovalUrl: data.oauthApprovalUrl,
      oauthError: data.oauthError,
      oauthErrorText: data.oauthErrorText,
      errors: [],
    };
    if (resp.rc < 200 || resp.rc >= 400) resp.errors = [`${resp.rc} Error`];
    else if (resp.text) {
      let type = params.CONTENT_TYPE;
      if (resp.rc >= 300) type = 'TEXT';
      if (type === 'JSON' || type === 'FEED') {
        resp.data = opts.parseJson(resp.text);
        if (!resp.data) {
          resp.errors.push('500 Failed to parse JSON');
          resp.rc = 500;
          resp.data = null;
        }
      } else if (type === 'DOM') {
        const dom = new DOMParser().parseFromString(resp.text, 'text/xml');
        if (dom.documentElement.nodeName === 'parsererror') {
          resp.errors.push('500 Failed to parse XML');
          resp.rc = 500;
        } else resp.data = dom;
      } else resp.data = resp.text;
    }
    return resp;
  };

  const send = (
    realUrl: string,
    method: 'GET' | 'POST',
    target: string,
    body: string | null,
    params: Params,
    callback: Callback | undefined,
    proxied: boolean,
    headers: Record<string, string> = {},
  ) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, target, true);
    if (body !== null && !headers['Content-Type']) headers['Content-Type'] = 'application/x-www-form-urlencoded';
    for (const [k, v] of Object.entries(headers)) xhr.setRequestHeader(k, v);
    xhr.onreadystatechange = () => {
      if (xhr.readyState !== 4) return;
      if (xhr.status !== 200) {
        // What the proxy refuses it reports itself (onProblem); only silence is told from here.
        if (proxied && xhr.status === 0)
          opts.ch.send({
            type: 'error',
            message: `gadgets.io.makeRequest(${realUrl}): the container's proxy did not answer`,
          });
        callback?.({
          errors: [`${xhr.status}${xhr.responseText ? ` ${xhr.responseText}` : ''}`],
          rc: xhr.status,
          text: xhr.responseText,
        });
        return;
      }
      if (!callback) return;
      if (!proxied) return callback(transform(params, { body: xhr.responseText }));
      const txt = xhr.responseText;
      const at = txt.indexOf(CRUFT);
      // Without the prefix the answer is not the proxy's: Shindig calls nothing back either.
      if (at === -1) return;
      const all = opts.parseJson(txt.slice(at + CRUFT.length)) as Record<string, Record<string, unknown>> | false;
      const data = all ? all[realUrl] : undefined;
      if (!data) return;
      callback(transform(params, data));
    };
    xhr.send(body);
  };

  return {
    makeRequest(url: string, callback?: Callback, optParams?: Params) {
      const params = optParams ?? {};
      const method = (params.METHOD as string) || 'GET';
      const auth =
        params.AUTHORIZATION && params.AUTHORIZATION !== 'NONE' ? String(params.AUTHORIZATION).toLowerCase() : '';
      const headers = (params.HEADERS as Record<string, string>) || {};
      if (method === 'POST' && !headers['Content-Type']) headers['Content-Type'] = 'application/x-www-form-urlencoded';
      const urlParams = opts.urlParams();
      const paramData: Record<string, unknown> = {
        url,
        httpMethod: method,
        headers: encodeValues(headers, false),
        postData: params.POST_DATA || '',
        authz: auth,
        st: '',
        contentType: params.CONTENT_TYPE || 'TEXT',
        numEntries: params.NUM_ENTRIES || '3',
        getSummaries: !!params.GET_SUMMARIES,
        signOwner: params.SIGN_OWNER ?? true,
        signViewer: params.SIGN_VIEWER ?? true,
        gadget: urlParams.url,
        container: urlParams.container || urlParams.synd || 'default',
        bypassSpecCache: urlParams.nocache || '',
        getFullHeaders: !!params.GET_FULL_HEADERS,
      };
      if ('NO_CACHE' in params) paramData.nocache = params.NO_CACHE;
      else if ('nocache' in urlParams) paramData.nocache = urlParams.nocache;
      if (method === 'GET' && params.REFRESH_INTERVAL !== undefined) paramData.refresh = params.REFRESH_INTERVAL;
      if (method === 'GET' && !auth)
        send(url, 'GET', `${opts.proxyUrl}?${encodeValues(paramData)}`, null, params, callback, true);
      else send(url, 'POST', opts.proxyUrl, encodeValues(paramData), params, callback, true);
    },
    makeNonProxiedRequest(
      relativeUrl: string,
      callback?: Callback,
      optParams?: Params,
      headers?: Record<string, string>,
    ) {
      const params = optParams ?? {};
      const method = ((params.METHOD as string) || 'GET') as 'GET' | 'POST';
      send(relativeUrl, method, relativeUrl, (params.POST_DATA as string) ?? null, params, callback, false, headers);
    },
    encodeValues,
    /** No content proxy here: the URL itself (the frame's CSP decides whether it loads). */
    getProxyUrl: (url: string) => url,
    clearOAuthState() {},
    RequestParameters: makeEnum([
      'ALIAS',
      'METHOD',
      'CONTENT_TYPE',
      'POST_DATA',
      'HEADERS',
      'AUTHORIZATION',
      'NUM_ENTRIES',
      'GET_SUMMARIES',
      'GET_FULL_HEADERS',
      'REFRESH_INTERVAL',
      'SIGN_OWNER',
      'SIGN_VIEWER',
      'OAUTH_SERVICE_NAME',
      'OAUTH_USE_TOKEN',
      'OAUTH_TOKEN_NAME',
      'OAUTH_REQUEST_TOKEN',
      'OAUTH_REQUEST_TOKEN_SECRET',
      'OAUTH_RECEIVED_CALLBACK',
      'NO_CACHE',
    ]),
    MethodType: makeEnum(['GET', 'POST', 'PUT', 'DELETE', 'HEAD']),
    ContentType: makeEnum(['TEXT', 'DOM', 'JSON', 'FEED']),
    AuthorizationType: makeEnum(['NONE', 'SIGNED', 'OAUTH', 'OAUTH2']),
  };
}
