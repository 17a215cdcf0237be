// `finesse-frames validate` as a user runs it: built with `node esbuild.js`, started as
// `node dist/cli.js validate FILE` from another directory (so the bundle has to find its
// libxml2 wasm module and the schemas by itself), on files a user would have.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { FrameStore } from '../../src/core/capture/frameStore';
import { frameToJsonLine } from '../../src/core/capture/jsonLines';
import { eventMessage, userUpdate } from '../../src/core/finesse/builders';
import { plainAuth } from '../../src/core/xmpp/sasl';

const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');

interface Run {
  code: number;
  lines: Record<string, unknown>[];
  stderr: string;
}

async function validate(args: string[], stdin?: string): Promise<Run> {
  const proc = spawn(process.execPath, [CLI, 'validate', ...args], { cwd: tmpdir() });
  let out = '';
  let err = '';
  proc.stdout.on('data', (d) => (out += d));
  proc.stderr.on('data', (d) => (err += d));
  proc.stdin.end(stdin ?? '');
  const [code] = await once(proc, 'exit');
  return {
    code: code as number,
    lines: out
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l)),
    stderr: err,
  };
}

describe('finesse-frames validate (built CLI)', () => {
  let dir: string;
  const file = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };

  before(async () => {
    await promisify(execFile)(process.execPath, ['esbuild.js'], { cwd: ROOT });
    dir = mkdtempSync(join(tmpdir(), 'validate-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a valid stanza file: no output, exit 0', async () => {
    const r = await validate([
      file('ok.xml', '<?xml version="1.0"?>\n<presence xmlns="jabber:client">\n  <show>dnd</show>\n</presence>\n'),
    ]);
    assert.deepEqual(r, { code: 0, lines: [], stderr: '' });
  });

  it('an invalid stanza: one JSON line per diagnostic with file, line and column; exit 1', async () => {
    const p = file(
      'iq.xml',
      '<iq xmlns="jabber:client" type="get" to="finesse.test">\n  <ping xmlns="urn:xmpp:ping"/>\n  <ping xmlns="urn:xmpp:ping"/>\n</iq>\n',
    );
    const r = await validate([p]);
    assert.equal(r.code, 1);
    assert.deepEqual(r.lines, [
      {
        file: p,
        line: 1,
        column: 2,
        severity: 'error',
        message: 'RFC 6120 §8.2.3: an <iq/> must have an id attribute (the response echoes it)',
      },
      {
        file: p,
        line: 3,
        column: 4,
        severity: 'error',
        message: 'RFC 6120 §8.2.3: an <iq/> of type "get" must contain exactly one child element (found 2)',
      },
    ]);
  });

  it('a Finesse notification with a bad Update event: the position inside the escaped text', async () => {
    const raw = eventMessage({
      from: 'pubsub.finesse.test',
      to: 'agent1@finesse.test',
      node: '/finesse/api/User/agent1',
      itemId: 'i',
      updateXml: userUpdate({ id: 'agent1', loginName: 'agent1' }, 'READY').replace(
        '<event>PUT</event>',
        '<event>FOO</event>',
      ),
    });
    const r = await validate([file('update.xml', raw)]);
    assert.equal(r.code, 1);
    assert.equal(r.lines.length, 1);
    const d = r.lines[0] as { line: number; column: number; message: string };
    assert.equal(raw.slice(d.column - 1, d.column + 2), 'FOO');
    assert.match(d.message, /^Finesse Update: Element 'event'/);
  });

  it('warnings only: printed, exit 0', async () => {
    const r = await validate([file('warn.xml', '<message to="agent2@finesse.test"><body>hi</body></message>')]);
    assert.equal(r.code, 0);
    assert.deepEqual(
      r.lines.map((l) => l.severity),
      ['warning'],
    );
  });

  it('a JSON-lines capture: each frame validated, reported with its capture line and frame id', async () => {
    const store = new FrameStore();
    const s = 'proxy-1';
    store.append({
      session: s,
      dir: 'out',
      kind: 'open',
      raw: '<open xmlns="urn:ietf:params:xml:ns:xmpp-framing" to="finesse.test" version="1.0"/>',
    });
    store.append({ session: s, dir: 'out', kind: 'stanza', raw: plainAuth('agent1', 'secret') });
    store.append({ session: s, dir: 'out', kind: 'text', raw: ' ' });
    const bad = store.append({
      session: s,
      dir: 'out',
      kind: 'stanza',
      raw: '<iq xmlns="jabber:client" type="set" id="s1" to="pubsub.finesse.test"><pubsub xmlns="http://jabber.org/protocol/pubsub"><subscribe node="/finesse/api/Team/1/Users"/></pubsub></iq>',
    });
    store.append({ session: s, dir: 'in', kind: 'stanza', raw: '<presence xmlns="jabber:client"/>' });
    const capture =
      ['{"listening":"ws://127.0.0.1:1/ws/"}', ...[...store].map((f) => frameToJsonLine(f))].join('\n') + '\n';
    const p = file('capture.jsonl', capture);
    const r = await validate([p]);
    assert.equal(r.code, 1);
    const col = bad.raw.indexOf('subscribe ') + 1;
    assert.deepEqual(r.lines, [
      {
        file: p,
        line: 5,
        column: col,
        severity: 'error',
        message: "XEP-0060 §6.1: <subscribe/> needs a jid attribute (the subscriber's JID)",
        frame: bad.id,
      },
    ]);
  });

  it('a capture line that is not JSON is reported, not fatal', async () => {
    const p = file(
      'broken.jsonl',
      '{"id":1,"raw":"<presence xmlns=\\"jabber:client\\"/>","kind":"stanza"}\n{"id":2,"raw":\n',
    );
    const r = await validate([p]);
    assert.equal(r.code, 1);
    assert.equal(r.lines.length, 1);
    assert.equal((r.lines[0] as { line: number }).line, 2);
    assert.match(String(r.lines[0].message), /^not a JSON frame record/);
  });

  it('reads stdin for -', async () => {
    const r = await validate(['-'], '<iq xmlns="jabber:client" type="result" id="x"/>');
    assert.deepEqual(r, { code: 0, lines: [], stderr: '' });
  });

  it('an unreadable file or no file: exit 2 with one line on stderr', async () => {
    const missing = await validate([join(dir, 'missing.xml')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^finesse-frames: validate: cannot read .*missing\.xml: ENOENT\n$/);
    const none = await validate([]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /expected a FILE/);
  });
});
