/**
 * A local stand-in for the Finesse desktop server (https://HOST:8445), for reverse-mode tests:
 * its own self-signed certificate (from `selfsigned`, independent of our generator), a login
 * redirect that sets a cookie scoped to its host, pages whose small vanilla scripts log in
 * exactly as the desktop does — over `wss://${location.host}/ws/` (RFC 7395) or BOSH on
 * /http-bind — and a 5 MB chunked download. /ws and /http-bind are relayed to real Prosody by
 * the dumbest possible means (a raw TCP tunnel, a plain HTTP pipe), as Finesse's own front end
 * relays to its notification server.
 */
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net, { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { DOMAIN, PUBSUB, Prosody } from './prosody';

/** Size of the /big download: 80 chunks of 64 KiB. */
const BIG_CHUNK = 64 * 1024;
const BIG_CHUNKS = 80;
export const SESSION_COOKIE = 'FINESSE_DESKTOP_SESSION';

export class Desktop {
  private server?: https.Server;
  private constructor(
    private readonly prosody: Prosody,
    readonly dir: string,
    readonly certFile: string,
    private readonly key: string,
    private readonly cert: string,
    /** The name the desktop is addressed by: `localhost`, so it differs from the proxy's 127.0.0.1. */
    readonly host = 'localhost',
  ) {}

  port = 0;
  /** sha256 (hex) of what /big sends. */
  readonly bigSha256 = bigBody().hash;
  readonly bigSize = BIG_CHUNK * BIG_CHUNKS;

  get url(): string {
    return `https://${this.host}:${this.port}`;
  }

  static async start(prosody: Prosody): Promise<Desktop> {
    const selfsigned = await import('selfsigned');
    const pems = await selfsigned.generate([{ name: 'commonName', value: 'localhost' }], {
      keyType: 'ec',
      algorithm: 'sha256',
      extensions: [
        {
          name: 'subjectAltName',
          altNames: [
            { type: 2, value: 'localhost' },
            { type: 7, ip: '127.0.0.1' },
          ],
        },
      ],
    });
    const dir = mkdtempSync(join(tmpdir(), 'desktop-'));
    const certFile = join(dir, 'desktop.crt');
    writeFileSync(certFile, pems.cert);
    const d = new Desktop(prosody, dir, certFile, pems.private, pems.cert);
    await d.listen();
    return d;
  }

  private async listen(): Promise<void> {
    const server = https.createServer({ key: this.key, cert: this.cert }, (req, res) => this.route(req, res));
    server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) =>
      this.tunnelWebSocket(req, socket, head),
    );
    server.requestTimeout = 0;
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
  }

  private route(req: http.IncomingMessage, res: http.ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'POST' && path === '/http-bind') return this.relayBosh(req, res);
    if (req.method === 'POST' && path === '/echo-sha256') return echoSha256(req, res);
    if (path === '/login') {
      // Finesse's login ends in an absolute redirect to its own host and a session cookie.
      res.writeHead(302, {
        location: `${this.url}/desktop/`,
        'set-cookie': [`${SESSION_COOKIE}=s3ss10n; Domain=${this.host}; Path=/; Secure; SameSite=Lax`],
        'content-length': 0,
      });
      return void res.end();
    }
    if (path === '/desktop/') return page(res, 'WebSocket desktop', 'ws.js');
    if (path === '/desktop/bosh.html') return page(res, 'BOSH desktop', 'bosh.js');
    if (path === '/desktop/ws.js') return script(res, WS_SCRIPT);
    if (path === '/desktop/bosh.js') return script(res, BOSH_SCRIPT);
    if (path === '/desktop/common.js') return script(res, COMMON_SCRIPT);
    if (path === '/big') return sendBig(res);
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found\n');
  }

  /** /ws → Prosody's /ws: the upgrade request rewritten onto a raw TCP connection, then spliced. */
  private tunnelWebSocket(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    const upstream = net.connect(this.prosody.httpPort, '127.0.0.1');
    const lines = [`GET /ws HTTP/1.1`];
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      const name = req.rawHeaders[i];
      lines.push(
        `${name}: ${name.toLowerCase() === 'host' ? `127.0.0.1:${this.prosody.httpPort}` : req.rawHeaders[i + 1]}`,
      );
    }
    upstream.write(lines.join('\r\n') + '\r\n\r\n');
    if (head.length) upstream.write(head);
    upstream.pipe(socket).pipe(upstream);
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
    socket.on('close', () => upstream.destroy());
  }

  /** /http-bind → Prosody's /http-bind, as one streamed HTTP exchange. */
  private relayBosh(req: http.IncomingMessage, res: http.ServerResponse): void {
    const up = http.request(
      {
        host: '127.0.0.1',
        port: this.prosody.httpPort,
        method: 'POST',
        path: '/http-bind',
        headers: {
          'content-type': req.headers['content-type'] ?? 'text/xml',
          'content-length': req.headers['content-length'] ?? 0,
        },
      },
      (upRes) => {
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        upRes.pipe(res);
      },
    );
    up.on('error', () => res.destroy());
    res.on('close', () => up.destroy());
    req.pipe(up);
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) {
      const closed = once(server, 'close');
      server.close();
      server.closeAllConnections();
      await closed;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Deterministic 5 MB: a sha256 chain, so no two chunks are alike. */
function bigBody(): { chunks: Buffer[]; hash: string } {
  const chunks: Buffer[] = [];
  let seed = Buffer.from('finesse');
  for (let c = 0; c < BIG_CHUNKS; c++) {
    const chunk = Buffer.alloc(BIG_CHUNK);
    for (let off = 0; off < BIG_CHUNK; off += 32) {
      seed = createHash('sha256').update(seed).digest();
      seed.copy(chunk, off);
    }
    chunks.push(chunk);
  }
  return { chunks, hash: createHash('sha256').update(Buffer.concat(chunks)).digest('hex') };
}

/** Chunked (no Content-Length), written with backpressure. */
function sendBig(res: http.ServerResponse): void {
  const { chunks } = bigBody();
  res.writeHead(200, { 'content-type': 'application/octet-stream' });
  let i = 0;
  const more = (): void => {
    while (i < chunks.length) if (!res.write(chunks[i++])) return void res.once('drain', more);
    res.end();
  };
  more();
}

function echoSha256(req: http.IncomingMessage, res: http.ServerResponse): void {
  const hash = createHash('sha256');
  let size = 0;
  req.on('data', (c: Buffer) => {
    hash.update(c);
    size += c.length;
  });
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({ sha256: hash.digest('hex'), size, transferEncoding: req.headers['transfer-encoding'] ?? null }),
    );
  });
}

function page(res: http.ServerResponse, title: string, scriptName: string): void {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  res.end(`<!doctype html>
<html><head><meta charset="utf-8"><title>${title}</title></head>
<body data-domain="${DOMAIN}" data-pubsub="${PUBSUB}">
<h1>${title}</h1>
<form id="login"><input id="user" autocomplete="off"> <input id="password" type="password"> <button id="signin" type="submit">Sign In</button></form>
<ol id="log"></ol>
<pre id="update"></pre>
<script src="common.js"></script>
<script src="${scriptName}"></script>
</body></html>`);
}

function script(res: http.ServerResponse, text: string): void {
  res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
  res.end(text);
}

/**
 * What both pages share: progress lines in #log, and one stanza handler that walks the login the
 * way the desktop does (SASL PLAIN, restart, bind, presence, subscribe to the agent's User node)
 * and shows each published Finesse Update. `send(xml)` and `restart()` are the transport's.
 */
const COMMON_SCRIPT = `
'use strict';
const NS = { sasl: 'urn:ietf:params:xml:ns:xmpp-sasl', bind: 'urn:ietf:params:xml:ns:xmpp-bind', pubsub: 'http://jabber.org/protocol/pubsub' };
const domain = document.body.dataset.domain;
const pubsubJid = document.body.dataset.pubsub;
function log(text) {
  const li = document.createElement('li');
  li.textContent = text;
  document.getElementById('log').appendChild(li);
}
function esc(s) {
  return s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]);
}
function parse(text) {
  return new DOMParser().parseFromString(text, 'application/xml').documentElement;
}
function loginFlow(user, password, transport) {
  let authed = false;
  const node = '/finesse/api/User/' + user;
  return function handle(el) {
    const name = el.localName;
    if (name === 'features') {
      if (!authed && el.getElementsByTagNameNS(NS.sasl, 'mechanisms').length) {
        transport.send('<auth xmlns="' + NS.sasl + '" mechanism="PLAIN">' + btoa('\\u0000' + user + '\\u0000' + password) + '</auth>');
      } else if (authed && el.getElementsByTagNameNS(NS.bind, 'bind').length) {
        transport.send('<iq type="set" id="bind1" xmlns="jabber:client"><bind xmlns="' + NS.bind + '"><resource>desktop</resource></bind></iq>');
      }
    } else if (name === 'success') {
      authed = true;
      log('authenticated');
      transport.restart();
    } else if (name === 'failure') {
      log('auth-failed');
    } else if (name === 'iq' && el.getAttribute('id') === 'bind1' && el.getAttribute('type') === 'result') {
      const jid = el.getElementsByTagNameNS(NS.bind, 'jid')[0].textContent;
      log('bound ' + jid);
      transport.send('<presence xmlns="jabber:client"/>');
      transport.send('<iq type="set" id="sub1" to="' + esc(pubsubJid) + '" xmlns="jabber:client"><pubsub xmlns="' + NS.pubsub + '"><subscribe node="' + esc(node) + '" jid="' + esc(jid) + '"/></pubsub></iq>');
    } else if (name === 'iq' && el.getAttribute('id') === 'sub1') {
      log(el.getAttribute('type') === 'result' ? 'subscribed' : 'subscribe-failed');
    } else if (name === 'message') {
      const notification = el.getElementsByTagName('notification')[0];
      if (!notification) return;
      // Finesse sends the Update escaped as text; the DOM unescapes it.
      const update = parse(notification.textContent);
      document.getElementById('update').textContent = notification.textContent;
      const state = update.getElementsByTagName('state')[0];
      log('update ' + (state ? state.textContent : '?'));
    }
  };
}
function onLogin(start) {
  document.getElementById('login').addEventListener('submit', (e) => {
    e.preventDefault();
    start(document.getElementById('user').value, document.getElementById('password').value);
  });
}
`;

/** The desktop's WebSocket: to the host the page came from, subprotocol xmpp (RFC 7395). */
const WS_SCRIPT = `
'use strict';
onLogin((user, password) => {
  const ws = new WebSocket('wss://' + location.host + '/ws/', 'xmpp');
  const open = () => ws.send('<open xmlns="urn:ietf:params:xml:ns:xmpp-framing" to="' + domain + '" version="1.0"/>');
  const handle = loginFlow(user, password, { send: (x) => ws.send(x), restart: open });
  ws.onopen = () => { log('connected'); open(); };
  ws.onmessage = (ev) => handle(parse(ev.data));
  ws.onclose = (ev) => log('closed ' + ev.code);
});
`;

/**
 * The older desktop's BOSH: at most two requests in flight; one empty request is always held
 * by the server (the long-poll) so stanzas can arrive; outgoing stanzas go in the next request.
 */
const BOSH_SCRIPT = `
'use strict';
onLogin((user, password) => {
  let rid = Math.floor(Math.random() * 1e9);
  let sid;
  let inflight = 0;
  const queue = [];
  let handle;
  const post = (attrs, children) => {
    inflight++;
    const a = Object.entries(Object.assign({ rid: String(rid++) }, sid ? { sid } : {}, attrs)).map(([k, v]) => ' ' + k + '="' + esc(v) + '"').join('');
    const body = '<body xmlns="http://jabber.org/protocol/httpbind" xmlns:xmpp="urn:xmpp:xbosh"' + a + (children.length ? '>' + children.join('') + '</body>' : '/>');
    fetch('/http-bind', { method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8' }, body })
      .then((r) => r.text())
      .then((text) => {
        inflight--;
        const el = parse(text);
        if (!sid) { sid = el.getAttribute('sid'); log('bosh session'); }
        if (el.getAttribute('type') === 'terminate') { log('terminated ' + el.getAttribute('condition')); return; }
        for (const child of Array.from(el.children)) handle(child);
        pump();
      }, (err) => { inflight--; log('bosh error ' + err); });
  };
  const pump = () => {
    while (queue.length && inflight < 2) { const q = queue.shift(); post(q.attrs, q.children); }
    if (!inflight && sid) post({}, []);
  };
  const send = (x) => { queue.push({ attrs: {}, children: [x] }); pump(); };
  const restart = () => { queue.push({ attrs: { 'xmpp:restart': 'true', to: domain }, children: [] }); pump(); };
  handle = loginFlow(user, password, { send, restart });
  post({ to: domain, 'xml:lang': 'en', ver: '1.6', wait: '30', hold: '1', content: 'text/xml; charset=utf-8', 'xmpp:version': '1.0' }, []);
});
`;
