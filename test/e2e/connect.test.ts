// `finesse-frames connect` as a user runs it: the built CLI logs into a real Prosody (the
// Finesse notification server's stand-in), an independent publisher publishes Finesse Updates,
// and the test reads the decoded `finesse` fields from the JSON lines on stdout.
import assert from 'node:assert/strict';
import { Prosody, DOMAIN } from '../support/prosody';
import { Publisher, startClient, xmppModule } from '../support/xmpp';
import { buildCli, CliProcess, JsonLine, spawnCli } from '../support/cli';
import { makeCert, TestCert, WssServer } from '../support/wss';
import { apiErrorUpdate, dialogUpdate, userUpdate } from '../../src/core/finesse/builders';
import { nodes } from '../../src/core/finesse/nodes';
import { plainPayload } from '../../src/core/xmpp/sasl';

const PASSWORD = 'agent1-Secret!';
const agent = { id: 'agent1', loginName: 'agent1' };
const call = { id: '16777236', from: '5551234', to: '1001' };

const FRAME_FIELDS = ['id', 'session', 'dir', 't', 'kind', 'raw', 'bytes', 'flags'];
const isUpdate = (state: string, event?: string) => (l: JsonLine) =>
  l.finesse?.state === state && (!event || l.finesse.event === event);

describe('finesse-frames connect (built CLI against Prosody)', function () {
  let prosody: Prosody;
  let publisher: Publisher;
  const running: CliProcess[] = [];

  function connect(
    extra: string[] = [],
    env: Record<string, string | undefined> = { FINESSE_PASSWORD: PASSWORD },
  ): CliProcess {
    const cli = spawnCli(['connect', '--url', prosody.wsUrl, '--domain', DOMAIN, '--user', 'agent1', ...extra], env);
    running.push(cli);
    return cli;
  }

  before(async () => {
    await buildCli();
    prosody = await Prosody.start({ users: [{ user: 'agent1', password: PASSWORD }] });
    publisher = await Publisher.start(prosody.wsUrl);
    for (const node of [nodes.user('agent1'), nodes.userDialogs('agent1')]) {
      await publisher.createNode(node);
      // Finesse subscribes every agent to its own feeds; connect relies on that.
      await publisher.autoSubscribe(node, 'agent1');
    }
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((c) => c.kill('SIGKILL')));
  });
  after(async () => {
    await publisher?.stop().catch(() => undefined);
    await prosody?.dispose();
  });

  it('logs in, prints every frame as a JSON line with decoded Updates, and stops cleanly', async () => {
    const cli = connect(['--keepalive', '60000']);
    await cli.waitForStderr(
      /connected as agent1@finesse\.test\/finesse-frames \(subscribed to no Team or Queue node\)/,
    );

    await publisher.publish(nodes.user('agent1'), userUpdate(agent, 'READY', { requestId: 'req-ready' }));
    await publisher.publish(nodes.userDialogs('agent1'), dialogUpdate(agent, call, 'ALERTING', 'POST'));
    await publisher.publish(nodes.userDialogs('agent1'), dialogUpdate(agent, call, 'ACTIVE', 'PUT'));
    await publisher.publish(nodes.userDialogs('agent1'), dialogUpdate(agent, call, 'DROPPED', 'DELETE'));
    await publisher.publish(nodes.user('agent1'), apiErrorUpdate(agent, 'req-bad'));

    const ready = await cli.waitFor(isUpdate('READY'), 'the READY Update');
    assert.deepEqual(ready.finesse, {
      node: '/finesse/api/User/agent1',
      event: 'PUT',
      requestId: 'req-ready',
      source: '/finesse/api/User/agent1',
      kind: 'user',
      state: 'READY',
    });
    const alerting = await cli.waitFor(isUpdate('ALERTING', 'POST'), 'the ALERTING Update');
    assert.deepEqual([alerting.finesse.node, alerting.finesse.kind], ['/finesse/api/User/agent1/Dialogs', 'dialogs']);
    await cli.waitFor(isUpdate('ACTIVE', 'PUT'), 'the ACTIVE Update');
    await cli.waitFor(isUpdate('DROPPED', 'DELETE'), 'the DROPPED Update');
    const apiError = await cli.waitFor((l) => l.finesse?.kind === 'apiErrors', 'the apiErrors Update');
    assert.deepEqual([apiError.finesse.requestId, apiError.finesse.state], ['req-bad', 'Invalid State']);
    const order = cli
      .lines()
      .filter((l) => l.finesse)
      .map((l) => `${l.finesse.event} ${l.finesse.state}`);
    assert.deepEqual(order, ['PUT READY', 'POST ALERTING', 'PUT ACTIVE', 'DELETE DROPPED', 'PUT Invalid State']);

    const beforeStop = cli.stdout.mark;
    assert.equal((await cli.kill('SIGINT')).code, 0);
    assert.deepEqual(cli.stdout.errors, [], 'stdout holds JSON lines only');
    const lines = cli.lines();
    for (const l of lines)
      assert.deepEqual(
        FRAME_FIELDS.filter((f) => !(f in l)),
        [],
        JSON.stringify(l),
      );
    assert.equal(new Set(lines.map((l) => l.session)).size, 1, 'one session');
    assert.deepEqual(
      lines.map((l) => l.id),
      lines.map((_, i) => i + 1),
      'ids in order, none missing',
    );

    // The login, as it went over the wire.
    const out = lines.filter((l) => l.dir === 'out').map((l) => l.raw as string);
    assert.match(out[0], /^<open xmlns="urn:ietf:params:xml:ns:xmpp-framing" to="finesse\.test"/);
    assert.equal(lines[0].kind, 'open');
    assert.ok(out.some((r) => /<resource>finesse-frames<\/resource>/.test(r)));
    assert.ok(!out.some((r) => /<subscribe /.test(r)), "the agent's own feeds need no subscription");

    // Credentials: the SASL payload is redacted, the password appears nowhere.
    const stdout = cli.stdout.raw.join('\n');
    const auth = lines.find((l) => /^<auth /.test(l.raw));
    assert.match(auth?.raw, /mechanism="PLAIN">\[redacted\]<\/auth>/);
    assert.ok(!stdout.includes(plainPayload('agent1', PASSWORD)));
    assert.ok(!stdout.includes(PASSWORD));
    assert.ok(!cli.stderrLines.join('\n').includes(PASSWORD));

    // A clean stop: nothing of Finesse's own to unsubscribe, then <close/>, the server's <close/>, close frames.
    assert.ok(!lines.slice(beforeStop).some((l) => /<unsubscribe /.test(l.raw)));
    const closing = lines
      .slice(beforeStop)
      .filter((l) => l.kind === 'close' || l.kind === 'closeframe')
      .map((l) => `${l.dir} ${l.kind}`);
    assert.deepEqual(closing.slice(0, 2), ['out close', 'in close']);
    // Who sends the first close frame after <close/> is up to the server; both are captured.
    assert.deepEqual(closing.slice(2).sort(), ['in closeframe', 'out closeframe']);
    assert.match(cli.stderrLines.at(-1) ?? '', /stopped/);
  });

  it('reports a subscribe the server refuses without failing, and subscribes Team nodes', async () => {
    await publisher.createNode(nodes.teamUsers('1'));
    const cli = connect(['--team', '1', '--team', '404', '--resource', 'supervisor']);
    const refused = await cli.waitForStderr(/subscribe \/finesse\/api\/Team\/404\/Users failed/);
    assert.match(refused, /item-not-found/);
    await cli.waitForStderr(
      /connected as agent1@finesse\.test\/supervisor \(subscribed to \/finesse\/api\/Team\/1\/Users\)/,
    );
    const beforeStop = cli.stdout.mark;
    assert.equal((await cli.kill('SIGTERM')).code, 0);
    const unsubscribed = cli
      .lines()
      .slice(beforeStop)
      .map((l) => /<unsubscribe node="([^"]+)" jid="agent1@finesse\.test\/supervisor"/.exec(l.raw)?.[1])
      .filter(Boolean);
    assert.deepEqual(unsubscribed, ['/finesse/api/Team/1/Users'], 'unsubscribed with the full JID before closing');
  });

  it('leaves a client bound to "desktop" connected beside it, both receiving the agent\'s Updates', async () => {
    const desktop = await startClient({
      service: prosody.wsUrl,
      username: 'agent1',
      password: PASSWORD,
      resource: 'desktop',
    });
    // Available, as the Finesse desktop is: Updates to the agent's bare JID reach it.
    await desktop.send((await xmppModule()).xml('presence'));
    const streamErrors: string[] = [];
    desktop.on('error', (e: Error) => streamErrors.push(e.message));
    desktop.on('offline', () => streamErrors.push('offline'));
    const desktopGot = new Promise<void>((resolve) =>
      desktop.on('stanza', (st: { toString(): string }) => st.toString().includes('beside-desktop') && resolve()),
    );
    try {
      const cli = connect();
      await cli.waitForStderr(/connected as agent1@finesse\.test\/finesse-frames/);
      await publisher.publish(nodes.user('agent1'), userUpdate(agent, 'READY', { requestId: 'beside-desktop' }));
      await cli.waitFor((l) => l.finesse?.requestId === 'beside-desktop', 'the Update on the connect side');
      await desktopGot;
      assert.equal((await cli.kill('SIGINT')).code, 0);
      assert.ok(!cli.stderrLines.some((l) => /warning/.test(l)), cli.stderrLines.join('\n'));
      assert.deepEqual(streamErrors, []);
      assert.equal(desktop.status, 'online');
    } finally {
      await desktop.stop();
    }
  });

  it('binds "desktop" only when told to, and warns that it signs the desktop out', async () => {
    const cli = connect(['--resource', 'desktop']);
    const warning = await cli.waitForStderr(/warning:/);
    assert.match(warning, /signs the Finesse desktop of agent1@finesse\.test out of notifications/);
    await cli.waitForStderr(/connected as agent1@finesse\.test\/desktop/);
    assert.equal((await cli.kill('SIGINT')).code, 0);
  });

  it('fails with one stderr line and exit 1 on a wrong password', async () => {
    const cli = connect([], { FINESSE_PASSWORD: 'wrong-password' });
    const { code } = await cli.exit;
    assert.equal(code, 1);
    assert.deepEqual(cli.stderrLines, [
      'finesse-frames: authentication failed for agent1@finesse.test: not-authorized',
    ]);
    const failure = cli.lines().find((l) => /^<failure /.test(l.raw));
    assert.match(failure?.raw, /not-authorized/);
    assert.ok(!cli.stdout.raw.join('\n').includes('wrong-password'));
  });

  it('answers usage errors with exit 2 and prints help with exit 0', async () => {
    const noPassword = connect([], { FINESSE_PASSWORD: undefined });
    assert.equal((await noPassword.exit).code, 2);
    assert.match(noPassword.stderrLines.join('\n'), /FINESSE_PASSWORD/);
    const badFlag = spawnCli(['connect', '--password', 'x']);
    running.push(badFlag);
    assert.equal((await badFlag.exit).code, 2);
    assert.equal(badFlag.stderrLines.length, 1);
    const help = spawnCli(['connect', '--help']);
    running.push(help);
    assert.equal((await help.exit).code, 0);
    assert.match(
      help.stdout.errors.map((e) => e.line).join('\n'),
      /usage: finesse-frames connect[\s\S]*FINESSE_PASSWORD[\s\S]*--fingerprint/,
    );
  });

  it('refuses a self-signed wss:// server and says which fingerprint to pin', async () => {
    let cert: TestCert | undefined;
    let server: WssServer | undefined;
    try {
      cert = await makeCert();
      server = await WssServer.start(cert, prosody.wsUrl);
      const base = ['connect', '--url', server.url(), '--domain', DOMAIN, '--user', 'agent1'];
      const refused = spawnCli(base, { FINESSE_PASSWORD: PASSWORD });
      running.push(refused);
      assert.equal((await refused.exit).code, 1);
      assert.equal(refused.stderrLines.length, 1);
      assert.match(refused.stderrLines[0], new RegExp(`not trusted.*--fingerprint ${cert.fingerprint}`));
      assert.equal(server.upgrades, 0);

      const pinned = spawnCli([...base, '--fingerprint', cert.fingerprint], { FINESSE_PASSWORD: PASSWORD });
      running.push(pinned);
      await pinned.waitForStderr(/connected as agent1@finesse\.test\/finesse-frames/);
      assert.equal((await pinned.kill('SIGINT')).code, 0);
    } finally {
      await server?.close();
      cert?.dispose();
    }
  });

  // Last: restarts the server under every client.
  it('reconnects when the server goes away, says so, and keeps printing new events', async () => {
    const cli = connect();
    await cli.waitForStderr(/connected as/);
    await publisher.stop();
    await prosody.restart();
    const lost = await cli.waitForStderr(/reconnecting in \d+ ms \(attempt 1\)/);
    assert.match(lost, /system-shutdown|connection/);
    await cli.waitForStderr(/reconnected as agent1@finesse\.test\/finesse-frames/);
    publisher = await Publisher.start(prosody.wsUrl);
    const mark = cli.stdout.mark;
    await publisher.publish(nodes.user('agent1'), userUpdate(agent, 'NOT_READY', { requestId: 'after-restart' }));
    const update = await cli.waitFor(
      (l) => l.finesse?.requestId === 'after-restart',
      'the Update published after the restart',
      mark,
    );
    assert.equal(update.finesse.state, 'NOT_READY');
    const sessions = new Set(cli.lines().map((l) => l.session));
    assert.equal(sessions.size, 1, 'the reconnect continues the same capture session');
    assert.equal((await cli.kill('SIGINT')).code, 0);
  });
});
