// `finesse-frames simulate` as a user runs it, with an independent XMPP client (@xmpp/client,
// not our session code) logging in, subscribing the way a Finesse desktop does and receiving
// the scenario's Updates in order, decoded.
import assert from 'node:assert/strict';
import { spawn, ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { createInterface, Interface } from 'node:readline';
import { join } from 'node:path';
import { startClient, xmppModule, XmppClient } from '../support/xmpp';
import { decodeUpdate, FinesseUpdate } from '../../src/core/finesse/update';
import { nodes } from '../../src/core/finesse/nodes';
import { parseXml } from '../../src/core/xmpp/xml';

const ROOT = join(__dirname, '..', '..');
const PUBSUB = 'pubsub.finesse.test';

/** The CLI from source (node + tsx), so the test does not depend on a stale build. */
function cli(args: string[]): { proc: ChildProcessWithoutNullStreams; lines: Interface; stderr: () => string } {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli.ts'), ...args], { cwd: ROOT });
  let err = '';
  proc.stderr.on('data', (d) => (err += d));
  return { proc, lines: createInterface({ input: proc.stdout }), stderr: () => err };
}

/** Reads stdout lines one at a time, as the user's script would. */
function lineReader(lines: Interface): () => Promise<string> {
  const iterator = lines[Symbol.asyncIterator]();
  return async () => {
    const next = await iterator.next();
    if (next.done) throw new Error('stdout ended');
    return next.value;
  };
}

describe('finesse-frames simulate', () => {
  let sim: ReturnType<typeof cli>;
  let nextLine: () => Promise<string>;
  let url: string;
  let agent: XmppClient;

  before(async () => {
    sim = cli(['simulate', '--listen', '127.0.0.1:0', '--speed', '1000', '--user', 'agent1:s3cret', '--user', 'agent2:other']);
    nextLine = lineReader(sim.lines);
    const first = JSON.parse(await nextLine());
    assert.deepEqual(Object.keys(first), ['listening']);
    url = first.listening;
  });
  after(async () => {
    await agent?.stop().catch(() => undefined);
    if (sim.proc.exitCode === null) {
      sim.proc.kill('SIGKILL');
      await once(sim.proc, 'exit');
    }
  });

  it('prints the listening URL first, on loopback', () => {
    assert.match(url, /^ws:\/\/127\.0\.0\.1:\d+\/ws\/$/);
  });

  it('refuses a wrong password with SASL not-authorized', async () => {
    const { client } = await xmppModule();
    const wrong = client({ service: url, domain: 'finesse.test', username: 'agent1', password: 'wrong', resource: 'test' });
    wrong.on('error', () => undefined);
    try {
      await assert.rejects(wrong.start(), (e: Error & { condition?: string }) => e.condition === 'not-authorized');
    } finally {
      // The server keeps the stream open for another attempt (as Prosody does); end it.
      wrong.reconnect.stop();
      await wrong.stop();
    }
  });

  it('logs in an independent client, which subscribes and receives the scenario in order, decoded', async () => {
    const { xml } = await xmppModule();
    agent = await startClient({ service: url, username: 'agent1', password: 's3cret', resource: 'desktop' });
    assert.equal(agent.jid?.toString(), 'agent1@finesse.test/desktop');
    const updates: FinesseUpdate[] = [];
    const all = new Promise<void>((resolve) =>
      agent.on('stanza', (stanza: { toString(): string }) => {
        const parsed = parseXml(stanza.toString());
        const update = parsed.ok ? decodeUpdate(parsed.element) : undefined;
        if (update) updates.push(update);
        if (updates.length === 13) resolve();
      }),
    );
    await agent.send(xml('presence'));
    for (const node of [nodes.teamUsers('1'), nodes.user('agent1'), nodes.userDialogs('agent1')]) {
      const result = await agent.iqCaller.request(
        xml('iq', { type: 'set', to: PUBSUB }, xml('pubsub', { xmlns: 'http://jabber.org/protocol/pubsub' }, xml('subscribe', { node, jid: agent.jid?.toString() }))),
      );
      assert.equal(result.getChild('pubsub')?.getChild('subscription')?.attrs.subscription, 'subscribed');
    }
    await all;
    assert.deepEqual(
      updates.map((u) => `${u.node.replace('/finesse/api/', '')} ${u.event} ${u.state}`),
      [
        'User/agent1 PUT LOGIN',
        'User/agent1 PUT NOT_READY',
        'User/agent1 PUT READY',
        'Team/1/Users PUT READY',
        'User/agent1/Dialogs POST ALERTING',
        'User/agent1 PUT RESERVED',
        'User/agent1/Dialogs PUT ACTIVE',
        'User/agent1 PUT TALKING',
        'User/agent1 PUT Invalid State',
        'User/agent1/Dialogs DELETE DROPPED',
        'User/agent1 PUT WORK',
        'User/agent1 PUT READY',
        'Team/1/Users PUT NOT_READY',
      ],
    );
    assert.equal(updates[8].requestId, 'req-err-0');
    assert.ok(updates.every((u) => !u.error));
  });

  it('printed one JSON line per scenario step, and never a password', async () => {
    const steps = [];
    for (let i = 0; i < 13; i++) steps.push(JSON.parse(await nextLine()));
    assert.deepEqual(steps.map((s) => s.step), [...Array(13).keys()]);
    assert.ok(steps.every((s) => s.jid === 'agent1@finesse.test/desktop' && s.delivered === true));
    assert.equal(steps[4].label, 'User agent1 Dialogs POST → ALERTING');
    assert.doesNotMatch(JSON.stringify(steps) + sim.stderr(), /s3cret/);
  });

  it('shuts down cleanly on SIGINT: the client is told <system-shutdown/>, the process exits 0', async () => {
    agent.reconnect.stop(); // the simulator is going away for good
    const told = new Promise<string>((resolve) =>
      agent.on('nonza', (el: { name: string; getChildElements(): { name: string }[] }) => el.name === 'stream:error' && resolve(el.getChildElements()[0]?.name)),
    );
    const disconnected = new Promise((resolve) => agent.once('disconnect', resolve)); // not once(): the stream error is also an 'error' event
    sim.proc.kill('SIGINT');
    const [code] = await once(sim.proc, 'exit');
    assert.equal(await told, 'system-shutdown');
    await disconnected;
    assert.equal(code, 0);
    assert.equal(sim.stderr(), '');
  });

  it('exits 2 with one line on stderr for bad flags', async () => {
    for (const args of [['--speed', '0'], ['--user', 'nopassword'], ['--listen', 'nowhere'], ['--bogus']]) {
      const bad = cli(['simulate', ...args]);
      const [code] = await once(bad.proc, 'exit');
      assert.equal(code, 2, args.join(' '));
      assert.match(bad.stderr(), /^finesse-frames: simulate: .+\n$/);
    }
  });
});
