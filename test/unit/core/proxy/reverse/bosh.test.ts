// BOSH capture through the reverse proxy, against a real HTTPS server answering scripted BOSH
// bodies: the exchange is forwarded untouched while each wrapper's stanzas become frames of the
// session of its sid.
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import type { Frame } from '../../../../../src/core/capture/frame';
import { frameView } from '../../../../../src/core/capture/frameView';
import { Rig, startRig, Upstream } from './upstream';

const NS = `xmlns='http://jabber.org/protocol/httpbind'`;

/** Frames the store has appended once the current macrotask's batch is flushed. */
async function settled(rig: Rig): Promise<Frame[]> {
  await new Promise((resolve) => setImmediate(resolve));
  return [...rig.store];
}

describe('BOSH capture', () => {
  let upstream: Upstream;
  let rig: Rig;
  /** What the scripted server answers to a request body; also records what it received. */
  let answer: (body: string) => { body: string | Buffer; headers?: Record<string, string> };
  const received: string[] = [];

  before(async () => {
    upstream = await Upstream.start();
    upstream.handler = (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        received.push(text);
        const a = answer(text);
        res.writeHead(200, { 'Content-Type': 'text/xml; charset=utf-8', ...a.headers });
        res.end(a.body);
      });
    };
    rig = await startRig(upstream);
  });
  after(async () => {
    await rig?.close();
    await upstream?.close();
  });
  beforeEach(() => rig.store.clear());

  const post = (body: string, path = '/http-bind') =>
    rig.request(path, { method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8' } }, body);

  it('turns a BOSH session into open, stanza and close frames of one session, with the exact stanza text', async () => {
    const create = `<body rid='1' to='finesse.test' ver='1.6' wait='60' hold='1' xmpp:version='1.0' xmlns:xmpp='urn:xmpp:xbosh' ${NS}/>`;
    const features = `<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism></mechanisms></stream:features>`;
    answer = () => ({
      body: `<body sid='S1' wait='60' requests='2' ${NS} xmlns:stream='http://etherx.jabber.org/streams'>${features}</body>`,
    });
    const created = await post(create);
    assert.match(created.body.toString(), /sid='S1'/);

    const auth = `<auth xmlns="urn:ietf:params:xml:ns:xmpp-sasl" mechanism="PLAIN">AGFnZW50MQBwdw==</auth>`;
    answer = () => ({ body: `<body ${NS}><success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/></body>` });
    await post(`<body rid='2' sid='S1' ${NS}>${auth}</body>`);
    answer = () => ({ body: `<body ${NS}/>` });
    await post(`<body rid='3' sid='S1' xmpp:restart='true' xmlns:xmpp='urn:xmpp:xbosh' ${NS}/>`);
    await post(`<body rid='4' sid='S1' ${NS}/>`); // an idle poll, answered empty
    const presence = `<presence xmlns='jabber:client'/>`;
    const sub = `<iq type='set' id='sub1' to='pubsub.finesse.test' xmlns='jabber:client'><pubsub xmlns='http://jabber.org/protocol/pubsub'><subscribe node='/finesse/api/User/agent1' jid='agent1@finesse.test/desktop'/></pubsub></iq>`;
    answer = () => ({ body: `<body ${NS}><iq type='result' id='sub1' xmlns='jabber:client'/></body>` });
    await post(`<body rid='5' sid='S1' ${NS}>${presence}\n${sub}</body>`);
    answer = () => ({ body: `<body type='terminate' ${NS}/>` });
    await post(
      `<body rid='6' sid='S1' type='terminate' ${NS}><presence type='unavailable' xmlns='jabber:client'/></body>`,
    );

    const frames = await settled(rig);
    assert.deepEqual(
      frames.map((f) => [f.dir, f.kind, f.kind === 'stanza' ? frameView(f).element?.name : '']),
      [
        ['out', 'open', ''],
        ['in', 'open', ''],
        ['in', 'stanza', 'stream:features'],
        ['out', 'stanza', 'auth'],
        ['in', 'stanza', 'success'],
        ['out', 'open', ''],
        ['out', 'stanza', 'presence'],
        ['out', 'stanza', 'iq'],
        ['in', 'stanza', 'iq'],
        ['out', 'stanza', 'presence'],
        ['out', 'close', ''],
        ['in', 'close', ''],
      ],
    );
    assert.equal(new Set(frames.map((f) => f.session)).size, 1);
    assert.equal(frames[0].raw, create);
    assert.equal(frames[2].raw, features);
    assert.equal(frames[3].raw, auth);
    assert.equal(frames[7].raw, sub);
    const session = rig.store.sessions.get(frames[0].session);
    assert.match(session?.id ?? '', /^bosh-S1-/);
    assert.ok(session?.ended, 'terminate ends the session');
    // Forwarded untouched: the server got the browser's bytes.
    assert.equal(
      received.at(-1),
      `<body rid='6' sid='S1' type='terminate' ${NS}><presence type='unavailable' xmlns='jabber:client'/></body>`,
    );
  });

  it('keeps each sid in its own session and joins a session already running when the proxy started', async () => {
    answer = (body) => ({
      body: `<body ${NS}><message xmlns='jabber:client' id='${/sid='(\w+)'/.exec(body)?.[1]}'/></body>`,
    });
    await post(`<body rid='10' sid='A' ${NS}><presence xmlns='jabber:client'/></body>`);
    await post(`<body rid='20' sid='B' ${NS}/>`);
    await post(`<body rid='11' sid='A' ${NS}/>`, '/http-bind/');
    const frames = await settled(rig);
    const bySession = new Map<string, string[]>();
    for (const f of frames) bySession.set(f.session, [...(bySession.get(f.session) ?? []), `${f.dir} ${f.raw}`]);
    assert.deepEqual(
      [...bySession.values()],
      [
        [
          `out <presence xmlns='jabber:client'/>`,
          `in <message xmlns='jabber:client' id='A'/>`,
          `in <message xmlns='jabber:client' id='A'/>`,
        ],
        [`in <message xmlns='jabber:client' id='B'/>`],
      ],
    );
  });

  it('keeps one session per sid when the held long-poll is answered with the terminate before the terminate request is', async () => {
    // The server holds the idle poll; the browser's terminate makes it answer that poll with
    // type='terminate' first, then the terminate request itself (without a sid).
    const handler = upstream.handler;
    let releasePoll: (() => void) | undefined;
    const pollHeld = new Promise<void>((resolve) => {
      upstream.handler = (req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          const reply = (body: string) => res.writeHead(200, { 'Content-Type': 'text/xml; charset=utf-8' }).end(body);
          if (/rid='51'/.test(text)) {
            releasePoll = () => reply(`<body type='terminate' ${NS}/>`);
            resolve();
          } else if (/type='terminate'/.test(text)) {
            releasePoll?.();
            // Answered once the poll's answer is out, as the server orders them.
            setImmediate(() => reply(`<body type='terminate' ${NS}/>`));
          } else reply(`<body ${NS}><message xmlns='jabber:client' id='m'/></body>`);
        });
      };
    });
    try {
      await post(`<body rid='50' sid='T' ${NS}><presence xmlns='jabber:client'/></body>`);
      const poll = post(`<body rid='51' sid='T' ${NS}/>`);
      await pollHeld;
      await post(
        `<body rid='52' sid='T' type='terminate' ${NS}><presence type='unavailable' xmlns='jabber:client'/></body>`,
      );
      await poll;
      const frames = await settled(rig);
      assert.equal(
        new Set(frames.map((f) => f.session)).size,
        1,
        frames.map((f) => `${f.session} ${f.dir} ${f.kind}`).join('\n'),
      );
      assert.deepEqual(
        frames.filter((f) => f.kind === 'close').map((f) => f.dir),
        ['out', 'in', 'in'],
      );
      assert.ok(rig.store.sessions.get(frames[0].session)?.ended, 'ended once both answers are in');
    } finally {
      upstream.handler = handler;
    }
  });

  it('reads gzip responses from its copy while the browser gets the compressed bytes', async () => {
    const payload = `<body ${NS}><message xmlns='jabber:client' id='z'><body>compressed</body></message></body>`;
    const gz = gzipSync(payload);
    answer = () => ({ body: gz, headers: { 'Content-Encoding': 'gzip' } });
    const { body, res } = await post(`<body rid='30' sid='Z' ${NS}/>`);
    assert.equal(res.headers['content-encoding'], 'gzip');
    assert.deepEqual(body, gz);
    const frames = await settled(rig);
    assert.deepEqual(
      frames.map((f) => f.raw),
      [`<message xmlns='jabber:client' id='z'><body>compressed</body></message>`],
    );
  });

  it('shows what is not BOSH as a malformed frame, and still forwards it', async () => {
    answer = () => ({ body: '<html><body>Bad Request</body></html>' });
    await post('this is not xml');
    const frames = await settled(rig);
    assert.equal(received.at(-1), 'this is not xml');
    assert.deepEqual(
      frames.map((f) => [f.dir, f.raw, f.flags.malformed]),
      [
        ['out', 'this is not xml', true],
        ['in', '<html><body>Bad Request</body></html>', true],
      ],
    );
    assert.equal(frames[0].session, frames[1].session);
    assert.ok(rig.store.sessions.get(frames[0].session)?.ended);
  });

  it('records a refused session creation (no sid) with its answer, in a session of its own', async () => {
    answer = () => ({ body: `<body type='terminate' condition='host-unknown' ${NS}/>` });
    await post(`<body rid='40' to='nowhere.test' ${NS}/>`);
    const frames = await settled(rig);
    assert.deepEqual(
      frames.map((f) => [f.dir, f.kind]),
      [
        ['out', 'open'],
        ['in', 'close'],
      ],
    );
    assert.equal(frames[0].session, frames[1].session);
    assert.ok(rig.store.sessions.get(frames[0].session)?.ended);
  });

  it('leaves GETs and other paths alone', async () => {
    answer = () => ({ body: `<body ${NS}><message xmlns='jabber:client'/></body>` });
    await post(`<body rid='50' sid='Q' ${NS}><presence xmlns='jabber:client'/></body>`, '/other');
    await rig.request('/http-bind');
    assert.deepEqual(await settled(rig), []);
  });
});
