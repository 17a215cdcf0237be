// The local Finesse's XMPP over TCP (RFC 6120 c2s), as integrations use Finesse's port 5222:
// @xmpp/client over xmpp:// in its own process, with STARTTLS trusting the listener certificate
// the way a deployed client trusts its server's, and plain on loopback when no certificate is
// set up; the same users, auto-subscriptions, Team subscribe and <conflict/> as /ws/.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FinesseSimulator } from '../../src/core/simulator/simulator';
import { idleScenario } from '../../src/core/simulator/scenario';
import { nodes } from '../../src/core/finesse/nodes';
import { CERT_FILE } from '../../src/core/proxy/reverse/cert';
import { restClient } from './localFinesseSupport';
import { TcpClient } from '../support/tcpClient';
import { FrameStore } from '../../src/core/capture/frameStore';

/** Resolves once `holds()` is true, checked after each batch the store announces. */
function until(store: FrameStore, holds: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (!holds()) return;
      store.off('append', check);
      store.off('session', check);
      resolve();
    };
    store.on('append', check);
    store.on('session', check);
    check();
  });
}

const DOMAIN = 'finesse.test';
const USERS = { agent1: 'agent1-Secret', agent2: 'agent2-Secret' };
const HEADER = `<?xml version='1.0'?><stream:stream xmlns="jabber:client" xmlns:stream="http://etherx.jabber.org/streams" to="${DOMAIN}" version="1.0">`;

/** Writes `text` on a raw TCP connection and collects what comes back until `until` matches. */
function raw(port: number, text: string, until: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1', () => sock.write(text));
    let got = '';
    sock.on('data', (d) => {
      got += d;
      if (until.test(got)) {
        sock.destroy();
        resolve(got);
      }
    });
    sock.on('error', reject);
    sock.on('close', () => resolve(got));
  });
}

function c2sPort(sim: FinesseSimulator): number {
  return Number(sim.endpoints?.c2s.split(':')[1]);
}

describe('local Finesse over XMPP TCP (c2s)', () => {
  const clients: TcpClient[] = [];
  after(async () => {
    for (const c of clients) await c.stop();
  });
  function client(sim: FinesseSimulator, resource: string, user = 'agent1', caFile?: string): TcpClient {
    const c = new TcpClient({
      service: `xmpp://${sim.endpoints?.c2s}`,
      domain: DOMAIN,
      username: user,
      password: USERS[user as keyof typeof USERS],
      resource,
      caFile,
    });
    clients.push(c);
    return c;
  }

  describe('with STARTTLS (the listener certificate)', () => {
    let sim: FinesseSimulator;
    let certDir: string;
    const ca = () => join(certDir, CERT_FILE);
    before(async () => {
      certDir = mkdtempSync(join(tmpdir(), 'c2s-cert-'));
      sim = new FinesseSimulator({ users: USERS, scenario: idleScenario(), c2s: { certDir } });
      await sim.listen();
    });
    after(async () => {
      await sim.close();
      rmSync(certDir, { recursive: true, force: true });
    });

    it('listens on 127.0.0.1 and offers STARTTLS (not required) with SASL PLAIN', async () => {
      assert.match(sim.endpoints?.c2s ?? '', /^127\.0\.0\.1:\d+$/);
      const features = await raw(c2sPort(sim), HEADER, /<\/stream:features>/);
      assert.match(
        features,
        /^<\?xml version='1.0'\?><stream:stream [^>]*xmlns:stream="http:\/\/etherx\.jabber\.org\/streams"/,
      );
      assert.match(features, /<starttls xmlns="urn:ietf:params:xml:ns:xmpp-tls"\/>/);
      assert.match(features, /<mechanism>PLAIN<\/mechanism>/);
      assert.doesNotMatch(features, /<required/);
    });

    it('@xmpp/client upgrades with STARTTLS, binds, and gets its REST sign-in Updates without subscribing', async () => {
      const c = client(sim, 'wallboard', 'agent1', ca());
      const online = await c.online();
      assert.equal(online.jid, `agent1@${DOMAIN}/wallboard`);
      assert.equal(online.secure, true);
      await new Promise((resolve) => (sim.clientCount ? sim.once('online', resolve) : resolve(undefined)));
      const rest = restClient(sim.endpoints?.rest as string, 'agent1', USERS.agent1);
      const put = await rest(
        'PUT',
        'User/agent1',
        '<User><state>LOGIN</state><extension>1001</extension></User>',
        'tcp-1',
      );
      assert.equal(put.status, 202);
      const update = await c.stanza('tcp-1');
      assert.match(update.xml ?? '', new RegExp(`node="${nodes.user('agent1')}"`));
      await c.stop();
    });

    it('Team Updates only after an explicit subscribe, as on /ws/', async () => {
      const c = client(sim, 'team', 'agent1', ca());
      const { jid } = await c.online();
      const team = nodes.teamUsers('1');
      const rest2 = restClient(sim.endpoints?.rest as string, 'agent2', USERS.agent2);
      await rest2('PUT', 'User/agent2', '<User><state>LOGIN</state><extension>1002</extension></User>', 'before');
      c.send(
        `<iq type="set" id="sub1" to="${sim.pubsubJid}"><pubsub xmlns="http://jabber.org/protocol/pubsub"><subscribe node="${team}" jid="${jid}"/></pubsub></iq>`,
      );
      const result = await c.stanza('id="sub1"');
      assert.match(result.xml ?? '', /subscription="subscribed"/);
      await rest2('PUT', 'User/agent2', '<User><state>READY</state></User>', 'after');
      await c.stanza('after');
      assert.ok(!c.events.some((e) => e.xml?.includes('>before<')), 'no Team Update before the subscribe');
      await c.stop();
    });

    it('a second client binding the same full JID kicks the first with <conflict/>', async () => {
      const older = client(sim, 'twice', 'agent1', ca());
      await older.online();
      const kicked = older.next((e) => e.event === 'error');
      const newer = client(sim, 'twice', 'agent1', ca());
      await newer.online();
      const e = await kicked;
      assert.match(e.message ?? '', /conflict/, JSON.stringify(older.events));
      await newer.stop();
    });
  });

  describe('captured like /ws/ clients (the store option)', () => {
    it('a TCP client is a session of its own, labelled with its JID, its stanzas both ways', async () => {
      const certDir = mkdtempSync(join(tmpdir(), 'c2s-capture-'));
      const store = new FrameStore();
      const sim = new FinesseSimulator({ users: USERS, scenario: idleScenario(), c2s: { certDir }, store });
      await sim.listen();
      try {
        const c = client(sim, 'captured', 'agent1', join(certDir, CERT_FILE));
        await c.online();
        const label = `agent1@${DOMAIN}/captured`;
        await until(store, () => [...store.sessions.values()].some((s) => s.label === label));
        const session = [...store.sessions.values()].find((s) => s.label === label);
        assert.equal(session?.target, `xmpp://${sim.endpoints?.c2s}`);
        await until(store, () => [...store].some((f) => f.session === session?.id && f.raw.startsWith('<presence')));
        const frames = [...store].filter((f) => f.session === session?.id);
        assert.ok(frames.some((f) => f.dir === 'out' && f.kind === 'open'));
        assert.ok(frames.some((f) => f.dir === 'in' && f.raw.includes(`<jid>${label}</jid>`)));
        await c.stop();
      } finally {
        await sim.close();
        rmSync(certDir, { recursive: true, force: true });
      }
    });
  });

  describe('plain on loopback (no certificate)', () => {
    let sim: FinesseSimulator;
    before(async () => {
      sim = new FinesseSimulator({ users: USERS, scenario: idleScenario() });
      await sim.listen();
    });
    after(() => sim.close());

    it('offers no STARTTLS and logs in in the clear (SASL PLAIN, restart, bind)', async () => {
      const features = await raw(c2sPort(sim), HEADER, /<\/stream:features>/);
      assert.doesNotMatch(features, /starttls/);
      // @xmpp/client will not send PLAIN in the clear, so this login is written out by hand.
      const plain = Buffer.from(`\0agent1\0${USERS.agent1}`).toString('base64');
      const answer = await raw(
        c2sPort(sim),
        `${HEADER}<auth xmlns="urn:ietf:params:xml:ns:xmpp-sasl" mechanism="PLAIN">${plain}</auth>${HEADER}` +
          '<iq type="set" id="b1"><bind xmlns="urn:ietf:params:xml:ns:xmpp-bind"><resource>clear</resource></bind></iq>',
        /<\/iq>/,
      );
      assert.match(answer, /<success xmlns="urn:ietf:params:xml:ns:xmpp-sasl"\/>/);
      assert.match(answer, /<jid>agent1@finesse\.test\/clear<\/jid>/);
      assert.equal(answer.match(/<stream:stream /g)?.length, 2, 'a new stream header after the restart');
    });

    it('ends a stream that is not XML with <not-well-formed/>', async () => {
      const answer = await raw(c2sPort(sim), `${HEADER}this is not xml`, /<\/stream:stream>/);
      assert.match(
        answer,
        /<not-well-formed xmlns="urn:ietf:params:xml:ns:xmpp-streams"\/><\/stream:error><\/stream:stream>$/,
      );
    });
  });
});
