/**
 * A WebSocket peer on 127.0.0.1:0 speaking the `xmpp` subprotocol whose every reply the test
 * writes: for what no real server sends on request (garbage frames, binary frames, a server
 * without PLAIN, a bind without a JID). Logins that a real server can do run against Prosody
 * in test/e2e.
 */
import { EventEmitter, once } from 'node:events';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';

const SASL = 'urn:ietf:params:xml:ns:xmpp-sasl';
export const FRAMING = 'urn:ietf:params:xml:ns:xmpp-framing';
const OPEN = `<open xmlns="${FRAMING}" from="finesse.test" id="s1" version="1.0"/>`;
const features = (inner: string) =>
  `<stream:features xmlns:stream="http://etherx.jabber.org/streams" xmlns="jabber:client">${inner}</stream:features>`;

export class ScriptedServer extends EventEmitter<{ received: [string] }> {
  /** Text frames the client sent, in order. */
  readonly received: string[] = [];
  private constructor(
    private readonly wss: WebSocketServer,
    readonly url: string,
  ) {
    super();
  }

  /** The first text frame from the client (already received or to come) that matches. */
  waitForReceived(match: (text: string) => boolean): Promise<string> {
    const hit = this.received.find(match);
    if (hit !== undefined) return Promise.resolve(hit);
    return new Promise((resolve) => {
      const listener = (text: string) => {
        if (!match(text)) return;
        this.off('received', listener);
        resolve(text);
      };
      this.on('received', listener);
    });
  }

  /** `onMessage(text, ws)` answers each text frame; `onConnection` runs first. */
  static async start(
    handlers: {
      onConnection?: (ws: WebSocket) => void;
      onMessage?: (text: string, ws: WebSocket) => void;
      protocol?: string | false;
    } = {},
  ): Promise<ScriptedServer> {
    const wss = new WebSocketServer({
      host: '127.0.0.1',
      port: 0,
      handleProtocols: () => (handlers.protocol === undefined ? 'xmpp' : handlers.protocol),
    });
    await once(wss, 'listening');
    const server = new ScriptedServer(wss, `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/ws/`);
    wss.on('connection', (ws) => {
      ws.on('error', () => undefined);
      handlers.onConnection?.(ws);
      ws.on('message', (data, isBinary) => {
        if (isBinary) return;
        const text = data.toString();
        server.received.push(text);
        server.emit('received', text);
        handlers.onMessage?.(text, ws);
      });
    });
    return server;
  }

  /** The one connected client socket (waits for it). */
  async client(): Promise<WebSocket> {
    const [first] = this.wss.clients;
    if (first) return first;
    const [ws] = await once(this.wss, 'connection');
    return ws as WebSocket;
  }

  async close(): Promise<void> {
    for (const c of this.wss.clients) c.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}

/** A server that logs any client in: PLAIN success, bind to `jid`, results for every iq set/get. */
export function loginScript(
  opts: {
    jid?: string;
    mechanisms?: string[];
    sessionFeature?: string;
    bindReply?: (id: string) => string;
    failure?: string;
  } = {},
) {
  let restarted = false;
  return (text: string, ws: WebSocket) => {
    if (text.startsWith('<open')) {
      ws.send(OPEN);
      if (!restarted)
        ws.send(
          features(
            `<mechanisms xmlns="${SASL}">${(opts.mechanisms ?? ['PLAIN']).map((m) => `<mechanism>${m}</mechanism>`).join('')}</mechanisms>`,
          ),
        );
      else ws.send(features(`<bind xmlns="urn:ietf:params:xml:ns:xmpp-bind"/>${opts.sessionFeature ?? ''}`));
    } else if (text.startsWith('<auth')) {
      if (opts.failure) ws.send(`<failure xmlns="${SASL}">${opts.failure}</failure>`);
      else {
        restarted = true;
        ws.send(`<success xmlns="${SASL}"/>`);
      }
    } else if (text.startsWith('<iq')) {
      const id = /id="([^"]+)"/.exec(text)?.[1] ?? '';
      if (text.includes('xmpp-bind'))
        ws.send(
          opts.bindReply
            ? opts.bindReply(id)
            : `<iq xmlns="jabber:client" type="result" id="${id}"><bind xmlns="urn:ietf:params:xml:ns:xmpp-bind"><jid>${opts.jid ?? 'agent1@finesse.test/desktop'}</jid></bind></iq>`,
        );
      else ws.send(`<iq xmlns="jabber:client" type="result" id="${id}"/>`);
    } else if (text.startsWith('<presence') && !text.includes('type=')) {
      // RFC 6121 §4.2.2: initial presence comes back to the sender.
      ws.send(`<presence xmlns="jabber:client" from="${opts.jid ?? 'agent1@finesse.test/desktop'}"/>`);
    } else if (text.startsWith('<close')) {
      ws.send(`<close xmlns="${FRAMING}"/>`);
      ws.close(1000);
    }
  };
}
