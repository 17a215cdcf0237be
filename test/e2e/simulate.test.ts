// `finesse-frames simulate` as a user runs it: the first JSON line names the one origin's
// endpoints; an independent XMPP client (@xmpp/client, not our session code) logs in and sends
// presence WITHOUT subscribing to its own feeds, and receives the demo day's Updates decoded;
// a Team node needs (and gets) an explicit subscribe; what it serves is printed as frames (REST
// calls as http frames, each client's stream), correlated, and scenario steps as step lines.
import assert from 'node:assert/strict';
import { spawn, ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startClient, subscribe, xmppModule, XmppClient } from '../support/xmpp';
import { LineReader } from '../support/lines';
import { decodeUpdate, FinesseUpdate } from '../../src/core/finesse/update';
import { nodes } from '../../src/core/finesse/nodes';
import { parseXml } from '../../src/core/xmpp/xml';
import { restClient } from './localFinesseSupport';

const ROOT = join(__dirname, '..', '..');

/** The CLI from source (node + tsx), so the test does not depend on a stale build. */
function cli(args: string[]): {
  proc: ChildProcessWithoutNullStreams;
  out: LineReader<Record<string, unknown>>;
  stderr: () => string;
} {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli.ts'), ...args], { cwd: ROOT });
  let err = '';
  proc.stderr.on('data', (d) => (err += d));
  return { proc, out: new LineReader(proc.stdout, (l) => JSON.parse(l) as Record<string, unknown>), stderr: () => err };
}

async function stop(proc: ChildProcessWithoutNullStreams): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  proc.kill('SIGKILL');
  await once(proc, 'exit');
}

/** Collects the Finesse Updates a client receives; resolves when one matches. */
function updatesOf(client: XmppClient) {
  const all: FinesseUpdate[] = [];
  const waiters: [(u: FinesseUpdate) => boolean, (u: FinesseUpdate) => void][] = [];
  client.on('stanza', (stanza: { toString(): string }) => {
    const parsed = parseXml(stanza.toString());
    const u = parsed.ok ? decodeUpdate(parsed.element) : undefined;
    if (!u) return;
    all.push(u);
    for (const w of [...waiters]) {
      if (!w[0](u)) continue;
      waiters.splice(waiters.indexOf(w), 1);
      w[1](u);
    }
  });
  return {
    all,
    until: (match: (u: FinesseUpdate) => boolean) =>
      new Promise<FinesseUpdate>((resolve) => {
        const found = all.find(match);
        if (found) resolve(found);
        else waiters.push([match, resolve]);
      }),
  };
}

describe('finesse-frames simulate', () => {
  let sim: ReturnType<typeof cli>;
  let first: Record<string, string>;
  let agent: XmppClient;

  before(async () => {
    sim = cli([
      'simulate',
      '--listen',
      '127.0.0.1:0',
      '--speed',
      '1000',
      '--user',
      'agent1:s3cret',
      '--user',
      'agent2:other',
    ]);
    first = (await sim.out.waitFor(() => true, 'the listening line')) as Record<string, string>;
  });
  after(async () => {
    await agent?.stop().catch(() => undefined);
    await stop(sim.proc);
  });

  it('prints the one origin first: ws, REST, BOSH, the domain and XMPP over TCP, on loopback', () => {
    assert.deepEqual(Object.keys(first).slice(0, 5), ['listening', 'rest', 'bosh', 'domain', 'c2s']);
    assert.match(first.c2s, /^127\.0\.0\.1:\d+$/);
    assert.match(first.listening, /^ws:\/\/127\.0\.0\.1:\d+\/ws\/$/);
    const origin = first.listening.replace(/^ws/, 'http').replace(/\/ws\/$/, '');
    assert.deepEqual(
      [first.rest, first.bosh, first.domain],
      [`${origin}/finesse/api/`, `${origin}/http-bind`, 'finesse.test'],
    );
  });

  it('refuses a wrong password with SASL not-authorized', async () => {
    const { client } = await xmppModule();
    const wrong = client({
      service: first.listening,
      domain: 'finesse.test',
      username: 'agent1',
      password: 'wrong',
      resource: 'test',
    });
    wrong.on('error', () => undefined);
    try {
      await assert.rejects(wrong.start(), (e: Error & { condition?: string }) => e.condition === 'not-authorized');
    } finally {
      // The server keeps the stream open for another attempt (as Prosody does); end it.
      wrong.reconnect.stop();
      await wrong.stop();
    }
  });

  it('plays the demo day to a client that only logs in and sends presence; Team needs a subscribe', async () => {
    const { xml } = await xmppModule();
    agent = await startClient({
      service: first.listening,
      username: 'agent1',
      password: 's3cret',
      resource: 'desktop',
    });
    assert.equal(agent.jid?.toString(), 'agent1@finesse.test/desktop');
    const got = updatesOf(agent);
    const result = await subscribe(agent, nodes.teamUsers('1'));
    assert.equal(result.getChild('pubsub')?.getChild('subscription')?.attrs.subscription, 'subscribed');
    await agent.send(xml('presence'));
    await got.until((u) => u.requestId === 'req-logout-0');
    const own = got.all
      .filter((u) => !u.node.startsWith('/finesse/api/Team/'))
      .map((u) => `${u.node.replace('/finesse/api/', '')} ${u.event} ${u.state} ${u.requestId ?? ''}`.trim());
    assert.deepEqual(own, [
      'User/agent1 PUT LOGIN req-login-0',
      'User/agent1 PUT NOT_READY req-login-0',
      'User/agent1 PUT READY req-ready-0',
      'User/agent1/Dialogs POST ALERTING',
      'User/agent1 PUT RESERVED',
      'User/agent1/Dialogs PUT ACTIVE req-answer-0',
      'User/agent1 PUT TALKING req-answer-0',
      'User/agent1 PUT Invalid State req-err-0',
      'User/agent1/Dialogs DELETE DROPPED req-drop-0',
      'User/agent1 PUT WORK req-drop-0',
      'User/agent1 PUT READY req-wrapup-0',
      'User/agent1 PUT NOT_READY req-break-0',
      'User/agent1 PUT LOGOUT req-logout-0',
    ]);
    const team = got.all.filter((u) => u.node === nodes.teamUsers('1'));
    assert.ok(
      team.some((u) => u.state === 'READY' && /<loginId>agent2<\/loginId>/.test(u.xml)),
      'the teammate going READY reached the Team subscriber',
    );
    assert.ok(got.all.every((u) => !u.error));
  });

  it('printed each Update as a frame of the client it reached, each step, and never a password', async () => {
    const last = await sim.out.waitFor(
      (l) =>
        l.kind === 'stanza' &&
        (l.finesse as { requestId?: string })?.requestId === 'req-logout-0' &&
        (l.finesse as { node: string }).node.startsWith('/finesse/api/User/'),
      'the last Update frame',
    );
    assert.equal(last.dir, 'in');
    const open = sim.out.lines.find((l) => l.session === last.session && l.kind === 'open');
    assert.equal(open?.dir, 'out', "the Update is in the client's session, printed from its <open/>");
    const updates = sim.out.lines.filter((l) => l.session === last.session && l.finesse);
    assert.ok(updates.some((l) => (l.finesse as { kind?: string }).kind === 'apiErrors'));
    assert.ok(sim.out.lines.some((l) => l.kind === 'step' && l.label === 'ring agent1 from 5551234' && l.ok === true));
    const printed = sim.out.raw.join('\n') + sim.stderr();
    assert.doesNotMatch(printed, /s3cret/);
    for (const secret of ['agent1:s3cret', '\0agent1\0s3cret'])
      assert.ok(!printed.includes(Buffer.from(secret).toString('base64')), 'no credential, even encoded');
  });

  it('prints a REST call as request and response frames before the Updates it caused, which name it', async () => {
    const rest = restClient(first.rest, 'agent1', 's3cret');
    const from = sim.out.lines.length;
    assert.equal(
      (await rest('PUT', 'User/agent1', '<User><state>LOGIN</state><extension>1001</extension></User>', 'cli-1'))
        .status,
      202,
    );
    const http = await sim.out.waitFor(
      (l) => l.kind === 'http' && l.dir === 'out' && (l.http as { requestId?: string }).requestId === 'cli-1',
      'the request frame',
      from,
    );
    assert.deepEqual(http.http, { method: 'PUT', path: '/finesse/api/User/agent1', requestId: 'cli-1' });
    const response = await sim.out.waitFor((l) => l.kind === 'http' && l.answers === http.id, 'its response', from);
    assert.deepEqual(response.http, {
      method: 'PUT',
      path: '/finesse/api/User/agent1',
      status: 202,
      requestId: 'cli-1',
    });
    const update = await sim.out.waitFor(
      (l) => l.kind === 'stanza' && (l.finesse as { requestId?: string }).requestId === 'cli-1',
      'its Update',
      from,
    );
    assert.equal((update.finesse as { causedBy?: number }).causedBy, http.id);
    assert.ok(sim.out.lines.indexOf(response) < sim.out.lines.indexOf(update));
    assert.equal((await rest('GET', 'User/agent1')).status, 200);
    assert.equal((await restClient(first.rest, 'agent1', 'nope')('GET', 'User/agent1')).status, 401);
  });

  it('shuts down cleanly on SIGINT: the client is told <system-shutdown/>, the process exits 0', async () => {
    agent.reconnect.stop(); // the simulator is going away for good
    const told = new Promise<string>((resolve) =>
      agent.on(
        'nonza',
        (el: { name: string; getChildElements(): { name: string }[] }) =>
          el.name === 'stream:error' && resolve(el.getChildElements()[0]?.name),
      ),
    );
    const disconnected = new Promise((resolve) => agent.once('disconnect', resolve)); // not once(): the stream error is also an 'error' event
    sim.proc.kill('SIGINT');
    const [code] = await once(sim.proc, 'exit');
    assert.equal(await told, 'system-shutdown');
    await disconnected;
    assert.equal(code, 0);
    assert.equal(sim.stderr(), '');
  });

  it('plays a --scenario YAML file: a call rings the agent once it is READY', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'finesse-scenario-'));
    const file = join(dir, 'day.yaml');
    writeFileSync(
      file,
      'start: immediately\nsteps:\n  - ring: { agent: agent1, from: "5557777", variables: { callVariable1: vip } }\n    when: READY\n',
    );
    const run = cli(['simulate', '--scenario', file]);
    try {
      const line = (await run.out.waitFor(() => true, 'listening')) as Record<string, string>;
      const rest = restClient(line.rest, 'agent1', 'agent1');
      assert.equal(
        (await rest('PUT', 'User/agent1', '<User><state>LOGIN</state><extension>1001</extension></User>')).status,
        202,
      );
      assert.equal((await rest('PUT', 'User/agent1', '<User><state>READY</state></User>', 'go')).status, 202);
      await run.out.waitFor(
        (l) => l.kind === 'step' && l.ok === true && l.label === 'ring agent1 from 5557777',
        'the call',
      );
      const dialogs = await rest('GET', 'User/agent1/Dialogs');
      assert.match(dialogs.text, /<fromAddress>5557777<\/fromAddress>/);
      assert.match(dialogs.text, /<value>vip<\/value>/);
    } finally {
      await stop(run.proc);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exits 2 with one line on stderr for bad flags and a bad scenario', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'finesse-scenario-'));
    writeFileSync(join(dir, 'bad.yaml'), 'steps:\n  - ring: { agent: agent1 }\n');
    try {
      for (const args of [
        ['--speed', '0'],
        ['--user', 'nopassword'],
        ['--listen', 'nowhere'],
        ['--bogus'],
        ['--scenario', join(dir, 'missing.yaml')],
        ['--scenario', join(dir, 'bad.yaml')],
        ['--serve', join(dir, 'nope')],
      ]) {
        const bad = cli(['simulate', ...args]);
        const [code] = await once(bad.proc, 'exit');
        assert.equal(code, 2, args.join(' '));
        assert.match(bad.stderr(), /^finesse-frames: simulate: .+\n$/);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
