/**
 * A BOSH client as C++ and embedded libraries write one: each request on its own TCP
 * connection, the answer read by its Content-Length and nothing else. An answer without
 * Content-Length, or with a Transfer-Encoding, is an error here, as it is for those clients.
 */
import net from 'node:net';
import tls from 'node:tls';
import { parseXml, Element } from '../../src/core/xmpp/xml';

const BOSH_NS = 'http://jabber.org/protocol/httpbind';

export interface BoshAnswer {
  status: number;
  headers: Record<string, string>;
  text: string;
  body: Element;
}

/** Over https, trusting exactly this CA (a listener's own certificate). */
export interface RawTls {
  ca: string;
}

/** POSTs `body` to http(s)://127.0.0.1:port/path and reads exactly Content-Length bytes back. */
export function post(port: number, path: string, body: string, secure?: RawTls): Promise<BoshAnswer> {
  return new Promise((resolve, reject) => {
    const sock = secure ? tls.connect({ port, host: '127.0.0.1', ca: secure.ca }) : net.connect(port, '127.0.0.1');
    const payload = Buffer.from(body, 'utf8');
    sock.on(secure ? 'secureConnect' : 'connect', () => {
      sock.write(
        `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: text/xml; charset=utf-8\r\n` +
          `Content-Length: ${payload.length}\r\nConnection: close\r\n\r\n`,
      );
      sock.write(payload);
    });
    let buf = Buffer.alloc(0);
    let head: { status: number; headers: Record<string, string>; length: number; start: number } | undefined;
    sock.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (!head) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const lines = buf.subarray(0, end).toString('latin1').split('\r\n');
        const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0])?.[1]);
        const headers: Record<string, string> = {};
        for (const l of lines.slice(1)) {
          const i = l.indexOf(':');
          headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
        }
        if (headers['transfer-encoding']) return fail(new Error(`Transfer-Encoding: ${headers['transfer-encoding']}`));
        if (!/^\d+$/.test(headers['content-length'] ?? '')) return fail(new Error('no Content-Length in the answer'));
        head = { status, headers, length: Number(headers['content-length']), start: end + 4 };
      }
      if (buf.length - head.start < head.length) return;
      const text = buf.subarray(head.start, head.start + head.length).toString('utf8');
      sock.destroy();
      const parsed = parseXml(text);
      if (!parsed.ok) return reject(new Error(`answer is not XML: ${text}`));
      resolve({ status: head.status, headers: head.headers, text, body: parsed.element });
    });
    sock.on('error', (e) => fail(e));
    sock.on('end', () => fail(new Error(`connection ended before the answer was whole: ${buf.toString('utf8')}`)));
    function fail(e: Error): void {
      sock.destroy();
      reject(e);
    }
  });
}

/** `<body …>children</body>` with the attributes in order. */
export function body(attrs: Record<string, string | number | undefined>, ...children: string[]): string {
  const a = Object.entries(attrs)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${String(v)}"`)
    .join('');
  return `<body xmlns="${BOSH_NS}" xmlns:xmpp="urn:xmpp:xbosh"${a}>${children.join('')}</body>`;
}

/** One BOSH session of a raw client: its sid, the next rid, and a request helper. */
export class RawBoshSession {
  sid = '';
  rid: number;
  creation: BoshAnswer | undefined;

  constructor(
    readonly port: number,
    readonly path: string,
    readonly domain: string,
    firstRid = 1000,
    readonly secure?: RawTls,
  ) {
    this.rid = firstRid;
  }

  async create(attrs: Record<string, string | number> = {}): Promise<BoshAnswer> {
    const a = await post(
      this.port,
      this.path,
      body({ rid: this.rid++, to: this.domain, wait: 2, hold: 1, ver: '1.6', 'xmpp:version': '1.0', ...attrs }),
      this.secure,
    );
    this.sid = a.body.attrs.sid ?? '';
    this.creation = a;
    return a;
  }

  /** The next request (rid + 1) with these attributes and children. */
  send(attrs: Record<string, string | number | undefined>, ...children: string[]): Promise<BoshAnswer> {
    return post(this.port, this.path, body({ rid: this.rid++, sid: this.sid, ...attrs }, ...children), this.secure);
  }

  /** A request with an explicit rid (repeats, gaps). */
  sendRid(rid: number, attrs: Record<string, string | number | undefined>, ...children: string[]): Promise<BoshAnswer> {
    return post(this.port, this.path, body({ rid, sid: this.sid, ...attrs }, ...children), this.secure);
  }

  /** SASL PLAIN, restart and bind; resolves to the bound JID. */
  async login(user: string, password: string, resource: string): Promise<string> {
    const plain = Buffer.from(`\0${user}\0${password}`).toString('base64');
    const auth = await this.send(
      {},
      `<auth xmlns="urn:ietf:params:xml:ns:xmpp-sasl" mechanism="PLAIN">${plain}</auth>`,
    );
    if (!auth.body.getChild('success')) throw new Error(`SASL failed: ${auth.text}`);
    const restart = await this.send({ 'xmpp:restart': 'true', to: this.domain });
    if (!features(restart)?.getChild('bind')) throw new Error(`no bind feature: ${restart.text}`);
    const bound = await this.send(
      {},
      `<iq xmlns="jabber:client" type="set" id="bind1"><bind xmlns="urn:ietf:params:xml:ns:xmpp-bind"><resource>${resource}</resource></bind></iq>`,
    );
    const jid = bound.body.getChild('iq')?.getChild('bind')?.getChildText('jid');
    if (!jid) throw new Error(`bind failed: ${bound.text}`);
    return jid;
  }
}

/** The <stream:features/> child of an answer, if any. */
export function features(a: BoshAnswer): Element | undefined {
  return a.body.getChildElements().find((c) => c.name === 'stream:features' || c.name === 'features');
}

/** The SASL mechanisms a features element offers. */
export function mechanisms(f: Element | undefined): string[] {
  const m = f?.getChildElements().find((c) => c.name === 'mechanisms');
  return (m?.getChildElements() ?? []).map((c) => c.getText());
}

/**
 * Several requests pipelined on one connection (HTTP/1.1), so the server reads them in exactly
 * this order; resolves with the answers, each read by its Content-Length.
 */
export function pipeline(port: number, path: string, bodies: string[]): Promise<BoshAnswer[]> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1', () =>
      sock.write(
        bodies
          .map((b) => {
            const payload = Buffer.from(b, 'utf8');
            return `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: text/xml; charset=utf-8\r\nContent-Length: ${payload.length}\r\n\r\n${b}`;
          })
          .join(''),
      ),
    );
    let buf = Buffer.alloc(0);
    const answers: BoshAnswer[] = [];
    sock.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buf.subarray(0, end).toString('latin1');
        const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1]);
        if (!Number.isFinite(length)) return fail(new Error(`no Content-Length: ${head}`));
        if (buf.length < end + 4 + length) return;
        const text = buf.subarray(end + 4, end + 4 + length).toString('utf8');
        buf = buf.subarray(end + 4 + length);
        const parsed = parseXml(text);
        if (!parsed.ok) return fail(new Error(`answer is not XML: ${text}`));
        answers.push({
          status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1]),
          headers: {},
          text,
          body: parsed.element,
        });
        if (answers.length === bodies.length) {
          sock.destroy();
          return resolve(answers);
        }
      }
    });
    sock.on('error', (e) => fail(e));
    function fail(e: Error): void {
      sock.destroy();
      reject(e);
    }
  });
}
