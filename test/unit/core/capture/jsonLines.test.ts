import assert from 'node:assert/strict';
import { FrameStore } from '../../../../src/core/capture/frameStore';
import { frameToJson, frameToJsonLine } from '../../../../src/core/capture/jsonLines';
import { plainAuth, plainPayload } from '../../../../src/core/xmpp/sasl';
import { dialogUpdate, eventMessage, userUpdate } from '../../../../src/core/finesse/builders';
import { Correlator } from '../../../../src/core/finesse/correlation';
import { hubPublish, relayedUpdate } from '../../../support/hubFrames';

const store = new FrameStore(100);

describe('CLI JSON lines', () => {
  it('carries every Frame field, one line of JSON', () => {
    const f = store.append({ session: 'c1', dir: 'out', kind: 'stanza', raw: '<presence/>', t: 1000.25 });
    const line = frameToJsonLine(f);
    assert.ok(!line.includes('\n'));
    assert.deepEqual(JSON.parse(line), {
      id: f.id,
      session: 'c1',
      dir: 'out',
      t: 1000.25,
      kind: 'stanza',
      raw: '<presence/>',
      bytes: 11,
      flags: {},
    });
  });

  it('redacts the SASL payload and listed secrets unless asked to reveal', () => {
    const f = store.append({ session: 'c1', dir: 'out', kind: 'stanza', raw: plainAuth('agent1', 's3cret-token') });
    const line = frameToJsonLine(f, { secrets: ['s3cret-token'] });
    assert.ok(!line.includes(plainPayload('agent1', 's3cret-token')));
    assert.match(JSON.parse(line).raw, /\[redacted\]/);
    assert.equal(frameToJson(f, { reveal: true }).raw, f.raw);
    assert.equal(f.raw, plainAuth('agent1', 's3cret-token'), 'the stored frame is not changed');

    const echoed = store.append({
      session: 'c1',
      dir: 'in',
      kind: 'stanza',
      raw: '<message><body>s3cret-token</body></message>',
    });
    assert.equal(frameToJson(echoed, { secrets: ['s3cret-token'] }).raw, '<message><body>[redacted]</body></message>');
  });

  it('redacts the original text of an edited frame too', () => {
    const f = store.append({ session: 'c1', dir: 'out', kind: 'stanza', raw: plainAuth('agent1', 'pw') });
    store.update(f.id, { raw: plainAuth('agent1', 'other'), flags: { edited: true } });
    const json = frameToJson(f);
    assert.match(json.original ?? '', /\[redacted\]/);
    assert.match(json.raw, /\[redacted\]/);
  });

  it('adds the decoded finesse fields', () => {
    const raw = eventMessage({
      from: 'pubsub.finesse.test',
      to: 'agent1@finesse.test',
      node: '/finesse/api/User/agent1/Dialogs',
      itemId: 'i',
      updateXml: dialogUpdate(
        { id: 'agent1', loginName: 'agent1' },
        { id: '1', from: '5551234', to: '1001' },
        'ALERTING',
        'POST',
        { requestId: 'q' },
      ),
    });
    const json = JSON.parse(frameToJsonLine(store.append({ session: 'c1', dir: 'in', kind: 'stanza', raw })));
    assert.deepEqual(json.finesse, {
      node: '/finesse/api/User/agent1/Dialogs',
      event: 'POST',
      requestId: 'q',
      source: '/finesse/api/User/agent1/Dialogs',
      kind: 'dialogs',
      state: 'ALERTING',
    });
  });

  it('marks malformed frames with the error, without touching the stored flags', () => {
    const f = store.append({ session: 'c1', dir: 'in', kind: 'stanza', raw: '<iq><x></iq>' });
    const json = frameToJson(f);
    assert.equal(json.flags.malformed, true);
    assert.match(json.error ?? '', /mismatched/i);
    assert.deepEqual(f.flags, {});
    const text = frameToJson(store.append({ session: 'c1', dir: 'in', kind: 'text', raw: 'junk' }));
    assert.deepEqual([text.flags.malformed, text.error], [true, 'Not an XML element']);
    const keepalive = frameToJson(store.append({ session: 'c1', dir: 'in', kind: 'text', raw: ' ' }));
    assert.deepEqual([keepalive.flags.malformed, keepalive.error], [undefined, undefined]);
  });
});

describe('CLI JSON lines of lazily decoded frames', () => {
  it('prints a lazy frame as its plain twin, without keeping the decoded text in it', () => {
    const raw = eventMessage({
      from: 'pubsub.finesse.test',
      to: 'agent1@finesse.test',
      node: '/finesse/api/User/agent1',
      itemId: 'i',
      updateXml: dialogUpdate(
        { id: 'agent1', loginName: 'agent1' },
        { id: '1', from: '5551234', to: '1001' },
        'ACTIVE',
        'PUT',
        { requestId: 'r' },
      ),
    });
    const chunk = Buffer.from(`xx${raw}yy`);
    let decodes = 0;
    const utf8 = (buf: Buffer, start: number, end: number) => (decodes++, buf.toString('utf8', start, end));
    const lazyStore = new FrameStore(10);
    const lazy = lazyStore.appendLazy(
      { session: 'c1', dir: 'in', kind: 'stanza', bytes: chunk.length - 4 },
      chunk,
      2,
      chunk.length - 2,
      utf8,
    );
    const plain = new FrameStore(10).append({ session: 'c1', dir: 'in', kind: 'stanza', raw, t: lazy.t });
    assert.equal(frameToJsonLine(lazy), frameToJsonLine(plain));
    assert.equal(frameToJsonLine(lazy), frameToJsonLine(lazy));
    assert.equal(decodes, 3, 'each line decodes the bytes afresh: the store keeps bytes, not text');
    assert.equal(lazy.raw, raw);
    assert.equal(frameToJsonLine(lazy), frameToJsonLine(plain));
    assert.equal(decodes, 4, 'text read elsewhere is cached there and used');
  });
});

describe('CLI JSON lines of hub frames', () => {
  const agent = { id: '1001', loginName: 'agent1001' };
  const T0 = 1_700_000_000_000; // a fixed capture time: nothing here reads the clock

  it('carry hub {topic, from, to, causedBy} and the relayed Update’s finesse, caused by what caused its XMPP Update', () => {
    const s = new FrameStore(100);
    const node = '/finesse/api/User/1001';
    const put = s.append({
      session: 'rest',
      dir: 'out',
      kind: 'http',
      t: T0,
      raw: `PUT ${node} HTTP/1.1\nrequestId: r5\n\n<User><state>READY</state></User>`,
    });
    const update = userUpdate(agent, 'READY', { requestId: 'r5' });
    const xmpp = s.append({
      session: 'desktop',
      dir: 'in',
      kind: 'stanza',
      t: T0 + 40,
      raw: eventMessage({
        from: 'pubsub.finesse.test',
        to: '1001@finesse.test/desktop',
        node,
        itemId: 'i',
        updateXml: update,
      }),
    });
    const hub = s.append({
      session: 'desktop',
      dir: 'in',
      kind: 'hub',
      t: T0 + 41,
      raw: relayedUpdate(node, update, { causedBy: xmpp.id }),
    });
    const correlation = new Correlator();
    correlation.observe(s);
    const json = JSON.parse(frameToJsonLine(hub, { correlation }));
    assert.equal(json.kind, 'hub');
    assert.equal(json.raw, hub.raw);
    assert.deepEqual(json.hub, {
      topic: 'finesse.api.User.1001',
      from: 'desktop',
      to: ['1 Sample Gadget', '2 Team Gadget'],
      causedBy: xmpp.id,
    });
    assert.deepEqual(json.finesse, {
      node,
      event: 'PUT',
      requestId: 'r5',
      source: node,
      kind: 'user',
      state: 'READY',
      causedBy: put.id,
    });
  });

  it('a gadget’s own publish has hub without causedBy and no finesse; a broken record says its error', () => {
    const s = new FrameStore(10);
    const own = s.append({
      session: 'desktop',
      dir: 'out',
      kind: 'hub',
      raw: hubPublish('my.topic', '3 Team', [], { a: 1 }),
    });
    const json = frameToJson(own);
    assert.deepEqual(json.hub, { topic: 'my.topic', from: '3 Team', to: [] });
    assert.equal(json.finesse, undefined);
    const broken = frameToJson(s.append({ session: 'desktop', dir: 'out', kind: 'hub', raw: '{"topic":' }));
    assert.equal(broken.hub, undefined);
    assert.match(broken.error ?? '', /Not a hub record/);
    assert.equal(broken.flags.malformed, true);
  });
});
