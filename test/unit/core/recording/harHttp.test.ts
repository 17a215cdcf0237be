// REST frames (kind http) in a HAR export: one XHR entry per request and its response, next to
// the WebSocket entries, in the file and in memory alike; secrets redacted; import keeps working.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Frame } from '../../../../src/core/capture/frame';
import type { SessionInfo } from '../../../../src/core/capture/frameStore';
import { exportHar, importHar, parseHar, writeHarFile } from '../../../../src/core/recording/har';
import { formatRequest, formatResponse } from '../../../../src/core/http/message';
import { frameView } from '../../../../src/core/capture/frameView';

const T = 1_767_000_000_000;
const sessions: SessionInfo[] = [
  { id: 'ws', label: 'desktop', target: 'wss://finesse.lab:8445/ws/', started: T },
  { id: 'rest', label: 'REST https://finesse.lab:8445', target: 'https://finesse.lab:8445', started: T },
];
const frames: Frame[] = [
  {
    id: 1,
    session: 'ws',
    dir: 'out',
    t: T + 1,
    kind: 'open',
    raw: '<open xmlns="urn:ietf:params:xml:ns:xmpp-framing" to="finesse.lab" version="1.0"/>',
    bytes: 10,
    flags: {},
  },
  {
    id: 2,
    session: 'rest',
    dir: 'out',
    t: T + 2,
    kind: 'http',
    raw: formatRequest(
      'PUT',
      '/finesse/api/User/agent1?x=1',
      [
        ['Authorization', 'Basic [redacted]'],
        ['requestId', 'r1'],
        ['Content-Type', 'application/xml'],
      ],
      '<User><state>READY</state><note>token-s3cret</note></User>',
    ),
    bytes: 40,
    flags: {},
  },
  { id: 3, session: 'ws', dir: 'in', t: T + 3, kind: 'stanza', raw: '<message/>', bytes: 10, flags: {} },
  {
    id: 4,
    session: 'rest',
    dir: 'in',
    t: T + 44,
    kind: 'http',
    raw: formatResponse(202, 'Accepted', [['Content-Length', '0']], ''),
    bytes: 0,
    flags: {},
    answers: 2,
  },
];

describe('recording/har REST entries', () => {
  it('exports each REST call as an XHR entry with request, response and timing, secrets redacted', () => {
    const har = exportHar(frames, sessions, { secrets: ['token-s3cret'] });
    assert.equal(har.log.entries.length, 2);
    const [ws, xhr] = har.log.entries;
    assert.equal(ws._resourceType, 'websocket');
    assert.deepEqual(
      ws._webSocketMessages!.map((m) => m.data),
      [frames[0].raw, frames[2].raw],
      'the WebSocket entry holds no REST frame',
    );
    assert.equal(xhr._resourceType, 'xhr');
    assert.equal(xhr.request.method, 'PUT');
    assert.equal(xhr.request.url, 'https://finesse.lab:8445/finesse/api/User/agent1?x=1');
    assert.deepEqual(xhr.request.queryString, [{ name: 'x', value: '1' }]);
    assert.ok(xhr.request.headers.some((h) => h.name === 'Authorization' && h.value === 'Basic [redacted]'));
    assert.equal(
      (xhr.request as unknown as { postData: { text: string } }).postData.text,
      '<User><state>READY</state><note>[redacted]</note></User>',
    );
    assert.equal(xhr.response.status, 202);
    assert.equal(xhr.time, 42);
    assert.equal(xhr.startedDateTime, new Date(T + 2).toISOString());
  });

  it('writes the same entries to a file, which still imports its WebSocket', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'har-http-'));
    try {
      const path = join(dir, 'x.har');
      const summary = await writeHarFile(path, frames, sessions);
      assert.equal(summary.entries, 2);
      const har = parseHar(readFileSync(path, 'utf8'));
      assert.deepEqual(har, JSON.parse(JSON.stringify(exportHar(frames, sessions))));
      assert.deepEqual(
        importHar(har).frames.map((f) => f.raw),
        [frames[0].raw, frames[2].raw],
      );
      // With rest, the REST call comes back too, in time order, the response naming its request.
      const withRest = importHar(har, { rest: true });
      assert.deepEqual(
        withRest.frames.map((f) => [f.id, f.kind, f.dir, f.answers]),
        [
          [1, 'open', 'out', undefined],
          [2, 'http', 'out', undefined],
          [3, 'stanza', 'in', undefined],
          [4, 'http', 'in', 2],
        ],
      );
      assert.equal(withRest.frames[1].raw, frames[1].raw);
      assert.equal(withRest.frames[3].t, frames[3].t);
      assert.equal(withRest.restSession?.label, 'REST finesse.lab:8445');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('imports the REST calls DevTools saved, credentials redacted, only those under /finesse/api/', () => {
    const har = parseHar(readFileSync(join(__dirname, '../../../fixtures/chrome-devtools.har'), 'utf8'));
    const imported = importHar(har, { entry: '/ws/', rest: true });
    const rest = imported.frames.filter((f) => f.kind === 'http');
    assert.equal(rest.length, 2);
    assert.deepEqual(frameView(rest[0]).http && [frameView(rest[0]).http!.method, frameView(rest[0]).http!.target], [
      'GET',
      '/finesse/api/User/1001001',
    ]);
    assert.equal(frameView(rest[1]).http!.status, 200);
    assert.equal(rest[1].answers, rest[0].id);
    assert.deepEqual(
      imported.frames.map((f) => f.id),
      imported.frames.map((_, i) => i + 1),
    );
    const times = imported.frames.map((f) => f.t);
    assert.deepEqual(
      times,
      [...times].sort((a, b) => a - b),
    );
    // Without asking, a HAR import is its WebSocket only, as before.
    assert.ok(!importHar(har, { entry: '/ws/' }).frames.some((f) => f.kind === 'http'));
    const authorized = structuredClone(har);
    const entry = authorized.log.entries.find((e) => e.request.url.includes('/finesse/api/'))!;
    entry.request.headers.push({ name: 'Authorization', value: 'Basic YWdlbnQxOnNlY3JldA==' });
    const raw = importHar(authorized, { entry: '/ws/', rest: true })
      .frames.filter((f) => f.kind === 'http')
      .map((f) => f.raw)
      .join('\n');
    assert.ok(raw.includes('Authorization: Basic [redacted]') && !raw.includes('YWdlbnQxOnNlY3JldA=='));
  });
});
