import assert from 'node:assert/strict';
import { FrameStore } from '../../../../src/core/capture/frameStore';
import { XmppConnection } from '../../../../src/core/session/connection';
import { AuthError, ProtocolError } from '../../../../src/core/session/errors';
import { login, LoginOptions } from '../../../../src/core/session/login';
import { loginScript, ScriptedServer } from './scriptedServer';

// The successful login and a real wrong password run against Prosody (test/e2e/session.test.ts);
// here are the servers Prosody will not imitate.
describe('login', () => {
  let server: ScriptedServer | undefined;
  let conn: XmppConnection | undefined;
  afterEach(async () => {
    conn?.terminate();
    await server?.close();
  });

  const opts: LoginOptions = {
    domain: 'finesse.test',
    user: 'agent1',
    password: 'pw',
    resource: 'desktop',
    timeoutMs: 5000,
  };

  async function run(script: ReturnType<typeof loginScript>, o: Partial<LoginOptions> = {}): Promise<string> {
    server = await ScriptedServer.start({ onMessage: script });
    conn = await XmppConnection.open(server.url, {}, new FrameStore(), 'c1');
    return login(conn, { ...opts, ...o });
  }

  it('walks open, SASL PLAIN, restart, bind, presence and reports the phases', async () => {
    const phases: string[] = [];
    const jid = await run(loginScript({ jid: 'agent1@finesse.test/desktop' }), { onPhase: (p) => phases.push(p) });
    assert.equal(jid, 'agent1@finesse.test/desktop');
    assert.deepEqual(phases, ['authenticating', 'binding']);
    const sent = server!.received.map((t) => /^<(\w+)/.exec(t)?.[1]);
    // login resolves on the server's echo of the presence, so the server has read it by then
    assert.deepEqual(sent, ['open', 'auth', 'open', 'iq', 'presence']);
  });

  it('waits for the echo of the initial presence: online means Updates arrive', async () => {
    let echo: (() => void) | undefined;
    let seen!: () => void;
    const presenceSeen = new Promise<void>((resolve) => (seen = resolve));
    const script = loginScript({ jid: 'agent1@finesse.test/ff' });
    let resolved = false;
    const done = run((text, ws) => {
      if (!text.startsWith('<presence')) return script(text, ws);
      echo = () => script(text, ws);
      seen();
    }).then((jid) => ((resolved = true), jid));
    // Without the wait, login would have resolved before the server even read the presence.
    await presenceSeen;
    assert.equal(resolved, false, 'not online before the echo');
    echo?.();
    assert.equal(await done, 'agent1@finesse.test/ff');
  });

  it('sends the legacy session iq only when the server requires it', async () => {
    await run(loginScript({ sessionFeature: '<session xmlns="urn:ietf:params:xml:ns:xmpp-session"/>' }));
    assert.ok(server!.received.some((t) => t.includes('xmpp-session')));
  });

  it('refuses a server without SASL PLAIN, naming what it offers', async () => {
    await assert.rejects(
      run(loginScript({ mechanisms: ['SCRAM-SHA-1', 'EXTERNAL'] })),
      (e: Error) => e instanceof ProtocolError && /offers SCRAM-SHA-1, EXTERNAL/.test(e.message),
    );
    assert.ok(!server!.received.some((t) => t.startsWith('<auth')), 'the password is not sent');
  });

  it('turns a SASL failure into AuthError with condition and text', async () => {
    await assert.rejects(
      run(loginScript({ failure: '<account-disabled/><text>Agent is disabled</text>' })),
      (e: Error) =>
        e instanceof AuthError &&
        e.condition === 'account-disabled' &&
        e.text === 'Agent is disabled' &&
        e.jid === 'agent1@finesse.test',
    );
  });

  it('refuses a bind result without a JID', async () => {
    await assert.rejects(
      run(loginScript({ bindReply: (id) => `<iq xmlns="jabber:client" type="result" id="${id}"/>` })),
      /bind result carries no JID/,
    );
  });
});
