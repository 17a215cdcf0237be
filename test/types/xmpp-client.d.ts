// @xmpp/client ships no typings; the tests use a small, explicit part of it.
declare module '@xmpp/client' {
  import { EventEmitter } from 'node:events';
  export interface XmppElement {
    name: string;
    attrs: Record<string, string>;
    toString(): string;
    getChild(name: string, xmlns?: string): XmppElement | undefined;
    getChildText(name: string, xmlns?: string): string | null;
    getText(): string;
    is(name: string, xmlns?: string): boolean;
  }
  export interface Client extends EventEmitter {
    start(): Promise<unknown>;
    stop(): Promise<void>;
    send(...el: unknown[]): Promise<void>;
    jid: { toString(): string } | null;
    status: string;
    iqCaller: { request(el: unknown, timeout?: number): Promise<XmppElement> };
    reconnect: { stop(): void };
  }
  export function client(opts: Record<string, unknown>): Client;
  export function xml(name: string, attrs?: Record<string, unknown>, ...children: unknown[]): XmppElement;
  export const jid: (s: string) => unknown;
}
