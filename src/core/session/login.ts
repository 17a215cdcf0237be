/**
 * The XMPP login of a Finesse desktop client over one connection (RFC 7395 + RFC 6120):
 * <open/> → features → SASL PLAIN → stream restart → bind resource → legacy session if the
 * server insists → initial presence, and the server's echo of it (RFC 6121 §4.2.2): from then
 * on the client is available, so Updates sent to the agent's bare JID reach it. Resolves with
 * the bound full JID.
 */
import { openFrame } from '../xmpp/framing';
import { plainAuth } from '../xmpp/sasl';
import type { Element } from '../xmpp/xml';
import type { XmppConnection } from './connection';
import { AuthError, ProtocolError, TimeoutError } from './errors';
import {
  bindIq,
  child,
  errorCondition,
  localName,
  presence,
  saslMechanisms,
  sessionIq,
  sessionRequired,
} from './stanzas';

export interface LoginOptions {
  domain: string;
  user: string;
  password: string;
  resource: string;
  /** Bound for each wait on the server. */
  timeoutMs: number;
  /** Told when the login moves on to the next phase. */
  onPhase?: (phase: 'authenticating' | 'binding') => void;
}

async function openStream(conn: XmppConnection, domain: string, timeoutMs: number): Promise<Element> {
  conn.send(openFrame(domain));
  await conn.next((el) => el.name === 'open', '<open/>', timeoutMs);
  return conn.next((el) => localName(el) === 'features', '<stream:features/>', timeoutMs);
}

export async function login(conn: XmppConnection, opts: LoginOptions): Promise<string> {
  const { domain, user, timeoutMs } = opts;
  const features = await openStream(conn, domain, timeoutMs);

  opts.onPhase?.('authenticating');
  const mechanisms = saslMechanisms(features);
  if (!mechanisms.includes('PLAIN')) {
    throw new ProtocolError(
      `the server offers no SASL PLAIN (it offers ${mechanisms.join(', ') || 'no mechanism'}); is it the Finesse notification service?`,
    );
  }
  conn.send(plainAuth(user, opts.password));
  const answer = await conn.next(
    (el) => localName(el) === 'success' || localName(el) === 'failure',
    'SASL answer',
    timeoutMs,
  );
  if (localName(answer) === 'failure') {
    const { condition, text } = errorCondition(answer);
    throw new AuthError(`${user}@${domain}`, condition, text);
  }

  opts.onPhase?.('binding');
  const restarted = await openStream(conn, domain, timeoutMs);
  if (!child(restarted, 'bind')) throw new ProtocolError('the server offers no resource binding after authentication');
  const bound = await conn.request(bindIq(conn.id('bind'), opts.resource), timeoutMs);
  const jid = child(bound, 'bind')?.getChildText('jid')?.trim();
  if (!jid) throw new ProtocolError('the bind result carries no JID');
  if (sessionRequired(restarted)) await conn.request(sessionIq(conn.id('sess')), timeoutMs);
  conn.send(presence());
  // Waited for so that "online" means "Updates arrive now"; a server that does not echo (against
  // the RFC) only delays this by timeoutMs, it does not fail the login.
  await conn
    .next(
      (el) => el.name === 'presence' && !el.attrs.type && (!el.attrs.from || el.attrs.from === jid),
      'the echo of the initial presence',
      timeoutMs,
    )
    .catch((e: Error) => {
      if (!(e instanceof TimeoutError)) throw e;
    });
  return jid;
}
