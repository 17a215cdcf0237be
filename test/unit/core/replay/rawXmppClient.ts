/**
 * A raw WebSocket XMPP client for the simulator tests: sends exact frames and reads the
 * server's frames one by one, so every byte of the server's side of the protocol is checked
 * (an XMPP library would hide what it tolerates). Waits on messages, never on time.
 */
import WebSocket from 'ws';
import { plainAuth } from '../../../../src/core/xmpp/sasl';
import { Element, parseXml } from '../../../../src/core/xmpp/xml';

export const FRAMING = 'urn:ietf:params:xml:ns:xmpp-framing';

export class RawXmppClient {
  private queue: string[] = [];
  private waiters: ((frame: string | undefined) => void)[] = [];
  closeCode: number | undefined;
  readonly closed: Promise<number>;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) =>
      this.push(isBinary ? `binary:${(data as Buffer).toString('base64')}` : (data as Buffer).toString('utf8')),
    );
    this.closed = new Promise((resolve) =>
      ws.once('close', (code) => {
        this.closeCode = code;
        for (const w of this.waiters.splice(0)) w(undefined);
        resolve(code);
      }),
    );
  }

  static connect(url: string, protocols: string[] = ['xmpp']): Promise<RawXmppClient> {
    const ws = new WebSocket(url, protocols);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new RawXmppClient(ws)));
      ws.once('unexpected-response', (_req, res) =>
        reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { statusCode: res.statusCode })),
      );
      ws.once('error', reject);
    });
  }

  private push(frame: string): void {
    const w = this.waiters.shift();
    if (w) w(frame);
    else this.queue.push(frame);
  }

  send(raw: string | Buffer): void {
    this.ws.send(raw);
  }

  /** The next frame from the server; undefined once the socket closed. */
  next(): Promise<string | undefined> {
    const f = this.queue.shift();
    if (f !== undefined) return Promise.resolve(f);
    if (this.closeCode !== undefined) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** The next frame, parsed; fails the test when there is none or it is not XML. */
  async nextElement(): Promise<Element> {
    const raw = await this.next();
    if (raw === undefined) throw new Error(`socket closed (${this.closeCode}) while a frame was expected`);
    const parsed = parseXml(raw);
    if (!parsed.ok) throw new Error(`server sent non-XML: ${parsed.error}: ${raw}`);
    return parsed.element;
  }

  /** Sends an iq and returns the next frame, which must be its answer. */
  async iq(raw: string): Promise<Element> {
    this.send(raw);
    return this.nextElement();
  }

  open(domain = 'finesse.test'): void {
    this.send(`<open xmlns="${FRAMING}" to="${domain}" version="1.0"/>`);
  }

  /** open → SASL PLAIN → restart → bind → session: resolves to the bound JID. */
  async login(user = 'agent1', password = 'agent1', resource = 'desktop'): Promise<string> {
    this.open();
    await this.nextElement(); // <open/>
    await this.nextElement(); // features
    this.send(plainAuth(user, password));
    const success = await this.nextElement();
    if (success.name !== 'success') throw new Error(`login failed: ${success.toString()}`);
    this.open();
    await this.nextElement();
    await this.nextElement();
    const bound = await this.iq(
      `<iq type="set" id="bind1" xmlns="jabber:client"><bind xmlns="urn:ietf:params:xml:ns:xmpp-bind"><resource>${resource}</resource></bind></iq>`,
    );
    const jid = bound.getChild('bind')?.getChildText('jid');
    if (!jid) throw new Error(`bind failed: ${bound.toString()}`);
    return jid;
  }

  subscribeIq(node: string, jid: string, id = `sub-${node}`): string {
    return `<iq type="set" id="${id}" to="pubsub.finesse.test" xmlns="jabber:client"><pubsub xmlns="http://jabber.org/protocol/pubsub"><subscribe node="${node}" jid="${jid}"/></pubsub></iq>`;
  }

  close(): void {
    this.ws.close();
  }
}
