// HAR: export as Chrome DevTools writes WebSocket entries, import Chrome/Edge HARs with an
// entry choice, and a round trip that keeps every frame.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Frame } from '../../../../src/core/capture/frame';
import type { SessionInfo } from '../../../../src/core/capture/frameStore';
import {
  exportHar,
  HarChoiceError,
  HarError,
  importHar,
  listWebSockets,
  parseHar,
  writeHarFile,
} from '../../../../src/core/recording/har';
import { plainAuth } from '../../../../src/core/xmpp/sasl';
import { hubPublish, relayedUpdate } from '../../../support/hubFrames';

const chromeHar = () => parseHar(readFileSync(join(__dirname, '../../../fixtures/chrome-devtools.har'), 'utf8'));

function sample(): { frames: Frame[]; sessions: SessionInfo[] } {
  const sessions: SessionInfo[] = [
    {
      id: 'p1',
      label: 'proxy 127.0.0.1:5000',
      target: 'ws://127.0.0.1:5280/ws',
      started: 1715678400000.5,
      ended: 1715678401000,
    },
    { id: 'p2', label: 'second', target: 'wss://finesse.lab:8445/ws/', started: 1715678400100 },
  ];
  const mk = (
    id: number,
    session: string,
    dir: 'in' | 'out',
    t: number,
    kind: Frame['kind'],
    raw: string,
    bytes = Buffer.byteLength(raw),
  ): Frame => ({ id, session, dir, t, kind, raw, bytes, flags: {} });
  const frames = [
    mk(
      1,
      'p1',
      'out',
      1715678400001.234,
      'open',
      '<open xmlns="urn:ietf:params:xml:ns:xmpp-framing" to="finesse.test" version="1.0"/>',
    ),
    mk(2, 'p2', 'out', 1715678400101.5, 'text', ' '),
    mk(
      3,
      'p1',
      'in',
      1715678400002.987,
      'stanza',
      '<stream:features xmlns:stream="http://etherx.jabber.org/streams"/>',
    ),
    mk(4, 'p1', 'in', 1715678400003.001, 'binary', 'AAEC/w==', 4),
    mk(5, 'p1', 'in', 1715678400004.5, 'ping', ''),
    mk(6, 'p1', 'out', 1715678400004.75, 'pong', ''),
    mk(7, 'p1', 'in', 1715678400005, 'close', '<close xmlns="urn:ietf:params:xml:ns:xmpp-framing"/>'),
    mk(8, 'p1', 'in', 1715678400006, 'closeframe', '1000 bye', 5),
  ];
  return { frames, sessions };
}

describe('recording/har', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'har-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('exports one websocket entry per session, shaped as Chrome DevTools writes it', () => {
    const { frames, sessions } = sample();
    const har = exportHar(frames, sessions);
    assert.equal(har.log.version, '1.2');
    assert.equal(har.log.entries.length, 2);
    const e = har.log.entries[0];
    assert.equal(e._resourceType, 'websocket');
    assert.equal(e.request.method, 'GET');
    assert.equal(e.request.url, 'ws://127.0.0.1:5280/ws');
    assert.equal(e.response.status, 101);
    assert.equal(e.startedDateTime, new Date(1715678400000.5).toISOString());
    assert.ok(e.request.headers.some((h) => h.name === 'Sec-WebSocket-Protocol' && h.value === 'xmpp'));
    const first = e._webSocketMessages?.[0];
    assert.deepEqual({ ...first, time: undefined }, { type: 'send', time: undefined, opcode: 1, data: frames[0].raw });
    assert.ok(Math.abs((first?.time ?? 0) - 1715678400.001234) < 1e-6, 'time in epoch seconds');
    assert.deepEqual(
      e._webSocketMessages?.map((m) => [m.type, m.opcode]),
      [
        ['send', 1],
        ['receive', 1],
        ['receive', 2],
        ['receive', 9],
        ['send', 10],
        ['receive', 1],
        ['receive', 8],
      ],
    );
  });

  it('redacts SASL payloads and secrets in the export', () => {
    const frames: Frame[] = [
      {
        id: 1,
        session: 's',
        dir: 'out',
        t: 1,
        kind: 'stanza',
        raw: plainAuth('agent1', 'hunter2-long'),
        bytes: 1,
        flags: {},
      },
    ];
    const text = JSON.stringify(
      exportHar(frames, [{ id: 's', label: 'agent1 hunter2-long', started: 0, target: 'ws://x/ws?pw=hunter2-long' }], {
        secrets: ['hunter2-long'],
      }),
    );
    assert.ok(!text.includes('hunter2-long'));
    assert.ok(!text.includes(Buffer.from('\0agent1\0hunter2-long').toString('base64')));
    assert.match(text, /\[redacted\]<\/auth>/);
  });

  it('round-trips: export → import gives back every frame of the chosen entry', async () => {
    const { frames, sessions } = sample();
    const file = join(dir, 'out.har');
    const written = await writeHarFile(file, frames, sessions);
    assert.deepEqual(written, { entries: 2, messages: 8 });
    const har = parseHar(readFileSync(file, 'utf8'));
    assert.deepEqual(
      har,
      JSON.parse(JSON.stringify(exportHar(frames, sessions))),
      'the streamed file equals the in-memory export',
    );
    assert.throws(() => importHar(har), HarChoiceError);
    const imported = importHar(har, { entry: 0 });
    const p1 = frames.filter((f) => f.session === 'p1');
    assert.equal(imported.frames.length, p1.length);
    imported.frames.forEach((f, i) => {
      const want = p1[i];
      assert.equal(f.session, 'p1');
      assert.equal(f.dir, want.dir);
      assert.equal(f.kind, want.kind);
      assert.equal(f.raw, want.raw);
      assert.equal(f.bytes, want.bytes);
      assert.ok(Math.abs(f.t - want.t) < 0.001, `time of frame ${i} kept to the microsecond`);
    });
    assert.equal(imported.session.target, 'ws://127.0.0.1:5280/ws');
    assert.equal(imported.session.label, 'proxy 127.0.0.1:5000');
    assert.deepEqual(imported.warnings, []);
    assert.equal(importHar(har, { entry: 'finesse.lab' }).frames[0].raw, ' ');
  });

  it('imports a HAR saved by Chrome DevTools, choosing among its two WebSocket entries', () => {
    const har = chromeHar();
    const sockets = listWebSockets(har);
    assert.deepEqual(
      sockets.map((s) => [s.index, s.entryIndex, s.url, s.messages]),
      [
        [0, 2, 'wss://finesse.lab.example:8445/ws/', 17],
        [1, 4, 'wss://kpi.gadgets.example:9443/live?agent=1001001', 4],
      ],
    );
    assert.throws(
      () => importHar(har),
      (e: Error) =>
        e instanceof HarChoiceError &&
        e.sockets.length === 2 &&
        /\[0\] wss:\/\/finesse.lab.example:8445\/ws\/ \(17 messages\)/.test(e.message),
    );
    const xmpp = importHar(har, { entry: '/ws/' });
    assert.equal(xmpp.frames.length, 17);
    assert.deepEqual(
      xmpp.frames.slice(0, 4).map((f) => [f.dir, f.kind]),
      [
        ['out', 'open'],
        ['in', 'open'],
        ['in', 'stanza'],
        ['out', 'stanza'],
      ],
    );
    assert.equal(xmpp.frames[14].kind, 'text', 'a whitespace keepalive');
    assert.ok(Math.abs(xmpp.frames[0].t - 1715677924520.113) < 0.001, 'seconds → ms');
    assert.equal(xmpp.session.id, 'har-0');
    assert.equal(xmpp.session.started, Date.parse('2024-05-14T09:12:04.401Z'));
    const kpi = importHar(har, { entry: 1 });
    assert.deepEqual(
      kpi.frames.map((f) => [f.dir, f.kind, f.bytes]),
      [
        ['out', 'text', 42],
        ['in', 'text', 33],
        ['in', 'binary', 5],
      ],
    );
    assert.deepEqual(
      kpi.warnings.map((w) => w.message),
      [3],
    );
    assert.match(kpi.warnings[0].text, /ERR_CONNECTION_RESET/);
  });

  it('gives clear errors for what is not a usable HAR', () => {
    assert.throws(() => parseHar('{"format":"finesse-session"}'), /no log.entries/);
    assert.throws(() => parseHar('<html>'), /not a HAR file/);
    const noWs = parseHar(
      JSON.stringify({
        log: {
          version: '1.2',
          creator: { name: 'x', version: '1' },
          entries: [{ request: { url: 'https://a' }, response: { status: 200 } }],
        },
      }),
    );
    assert.throws(
      () => importHar(noWs),
      (e: Error) => e instanceof HarError && /no WebSocket entry/.test(e.message),
    );
    assert.throws(() => importHar(chromeHar(), { entry: 5 }), /no WebSocket entry 5; the HAR has 2/);
    assert.throws(() => importHar(chromeHar(), { entry: 'nowhere' }), /no WebSocket entry with URL/);
  });

  it('keeps hub frames in log._finesseHubFrames (said in the comment), and an import links them again', async () => {
    const T0 = 1715678400000;
    const session: SessionInfo = { id: 'desk', label: 'desktop', target: 'ws://127.0.0.1:5280/ws', started: T0 };
    const mk = (id: number, t: number, kind: Frame['kind'], raw: string, dir: 'in' | 'out' = 'in'): Frame => ({
      id,
      session: kind === 'hub' ? 'desk-hub' : 'desk',
      dir,
      t,
      kind,
      raw,
      bytes: Buffer.byteLength(raw),
      flags: {},
    });
    const update = '<Update><event>PUT</event><requestId>r1</requestId></Update>';
    // Ids as a live store has them after eviction: nothing starts at 1.
    const frames = [
      mk(41, T0 + 1, 'stanza', '<presence/>', 'out'),
      mk(42, T0 + 2, 'stanza', '<message><body>the Update</body></message>'),
      mk(43, T0 + 2.5, 'hub', relayedUpdate('/finesse/api/User/1001', update, { causedBy: 42 })),
      mk(44, T0 + 3, 'hub', hubPublish('my.topic', '3 Team', [], { secret: 'tok-12345678' }), 'out'),
      mk(45, T0 + 4, 'hub', relayedUpdate('/finesse/api/User/1001', update, { causedBy: 7 })),
    ];
    const har = exportHar(frames, [session], { secrets: ['tok-12345678'] });
    assert.equal(
      har.log.comment,
      '3 hub frames of the gadget desktop (OpenAjax hub publishes) in log._finesseHubFrames',
    );
    assert.equal(har.log.entries.length, 1, 'hub frames make no entry of their own');
    const messages = har.log.entries[0]._webSocketMessages ?? [];
    assert.equal(messages.length, 2, 'nor WebSocket messages');
    assert.equal(messages[0]._frameId, undefined);
    assert.equal(messages[1]._frameId, 42, 'the message a hub frame names carries its id');
    const hub = har.log._finesseHubFrames ?? [];
    assert.deepEqual(
      hub.map((m) => [m.type, m.time]),
      [
        ['receive', (T0 + 2.5) / 1000],
        ['send', (T0 + 3) / 1000],
        ['receive', (T0 + 4) / 1000],
      ],
    );
    assert.match(hub[1].data, /\[redacted\]/);
    assert.doesNotMatch(JSON.stringify(har), /tok-12345678/);

    // The streamed file is the same document.
    const dir = mkdtempSync(join(tmpdir(), 'finesse-har-hub-'));
    try {
      const file = join(dir, 'hub.har');
      await writeHarFile(file, frames, [session], { secrets: ['tok-12345678'] });
      assert.deepEqual(parseHar(readFileSync(file, 'utf8')), har);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }

    const imported = importHar(parseHar(JSON.stringify(har)), { rest: true });
    assert.deepEqual(imported.warnings, []);
    assert.equal(imported.hubSession?.id, 'desk-hub');
    assert.equal(imported.hubSession?.started, T0 + 2.5);
    assert.deepEqual(
      imported.frames.map((f) => [f.id, f.kind, f.session]),
      [
        [1, 'stanza', 'desk'],
        [2, 'stanza', 'desk'],
        [3, 'hub', 'desk-hub'],
        [4, 'hub', 'desk-hub'],
        [5, 'hub', 'desk-hub'],
      ],
    );
    const record = (i: number) => JSON.parse(imported.frames[i].raw);
    assert.equal(record(2).causedBy, 2, 'the hub frame names the relayed message as imported');
    assert.equal(record(4).causedBy, undefined, 'a link to a frame the HAR does not hold is dropped');
    assert.equal(record(4).topic, 'finesse.api.User.1001');
    // Without rest, the WebSocket entry alone.
    assert.equal(importHar(parseHar(JSON.stringify(har))).frames.length, 2);
    // A HAR without hub frames says nothing of them.
    assert.equal(exportHar(frames.slice(0, 2), [session]).log.comment, undefined);
  });

  it('reports an unusable hub frame of a HAR as a warning and imports the rest', () => {
    const har = exportHar(
      [
        { id: 1, session: 'd', dir: 'in', t: 1000, kind: 'stanza', raw: '<message/>', bytes: 10, flags: {} },
        {
          id: 2,
          session: 'd',
          dir: 'out',
          t: 2000,
          kind: 'hub',
          raw: hubPublish('a', 'b', [], 1),
          bytes: 10,
          flags: {},
        },
      ],
      [{ id: 'd', label: 'd', target: 'ws://x/ws', started: 1000 }],
    );
    har.log._finesseHubFrames?.unshift({ type: 'sideways', time: 1, data: 'x' } as never);
    const imported = importHar(har, { rest: true });
    assert.deepEqual(imported.warnings, [{ message: 0, text: 'hub frame: unknown type "sideways"' }]);
    assert.deepEqual(
      imported.frames.map((f) => f.kind),
      ['stanza', 'hub'],
    );
  });
});
