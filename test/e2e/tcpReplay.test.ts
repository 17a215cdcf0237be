// Save and replay an XMPP-over-TCP session: a login and a REST sign-in Update recorded through
// the TCP proxy in front of the local Finesse, saved (SASL redacted), read back, and served by
// the replay server to a new TCP client (@xmpp/client over xmpp://, STARTTLS with the replay's
// certificate), which gets the recorded Update as a live client would.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FrameStore } from '../../src/core/capture/frameStore';
import { listenerCertificate, CERT_FILE } from '../../src/core/proxy/reverse/cert';
import { TcpProxy } from '../../src/core/proxy/tcp/tcpProxy';
import { TcpReplayListener } from '../../src/core/proxy/tcp/tcpReplay';
import { saveSession } from '../../src/core/recording/writer';
import { readSessionFile } from '../../src/core/recording/reader';
import { ReplayServer } from '../../src/core/replay/replayServer';
import { FinesseSimulator } from '../../src/core/simulator/simulator';
import { idleScenario } from '../../src/core/simulator/scenario';
import { restClient } from './localFinesseSupport';
import { TcpClient } from '../support/tcpClient';
import { buildCli, spawnCli } from '../support/cli';
import { waitForFrame } from '../support/frames';

const DOMAIN = 'finesse.test';
const AGENT = { user: 'agent1', password: 'replay-Secret-1' };

describe('save and replay an XMPP-over-TCP session', () => {
  let dir: string;
  /** The saved recording, for the CLI test after it. */
  let file = '';
  const clients: TcpClient[] = [];
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tcp-replay-'));
  });
  after(async () => {
    for (const c of clients) await c.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('records through the proxy, saves, and serves the recording to a new TCP client with STARTTLS', async () => {
    // Record.
    const simCerts = join(dir, 'sim');
    const sim = new FinesseSimulator({
      users: { [AGENT.user]: AGENT.password },
      scenario: idleScenario(),
      c2s: { certDir: simCerts },
    });
    await sim.listen();
    const store = new FrameStore();
    const proxy = new TcpProxy(store, {
      target: `xmpp://${sim.endpoints?.c2s}`,
      certDir: join(dir, 'proxy'),
      domain: DOMAIN,
      trust: { caFile: join(simCerts, CERT_FILE) },
    });
    await proxy.listen();
    const session = new Promise<string>((resolve) => proxy.once('session', (s) => resolve(s.id)));
    const recorder = new TcpClient({
      service: proxy.url as string,
      domain: DOMAIN,
      username: AGENT.user,
      password: AGENT.password,
      resource: 'wallboard',
      caFile: join(dir, 'proxy', CERT_FILE),
    });
    clients.push(recorder);
    await recorder.online();
    const id = await session;
    // Online (presence seen), then the sign-in whose Update the replay must serve.
    await waitForFrame(store, (f) => f.session === id && f.dir === 'in' && f.raw.startsWith('<presence'));
    const rest = restClient(sim.endpoints?.rest as string, AGENT.user, AGENT.password);
    await rest('PUT', 'User/agent1', '<User><state>LOGIN</state><extension>1001</extension></User>', 'tcp-rec-1');
    await recorder.stanza('tcp-rec-1');
    await recorder.stop();
    await proxy.close();
    await sim.close();

    // Save and read back.
    file = join(dir, 'tcp.finesse-session');
    await saveSession(
      file,
      [...store].filter((f) => f.session === id),
      {
        sessions: [...store.sessions.values()].filter((s) => s.id === id),
      },
    );
    const { frames } = await readSessionFile(file);
    assert.ok(
      frames.some((f) => f.kind === 'open' && f.raw.includes('<stream:stream ')),
      'TCP headers are saved as they were',
    );

    // Replay to a new TCP client.
    const replay = new ReplayServer({ frames, speed: 0 });
    const cert = listenerCertificate(join(dir, 'replay'), [DOMAIN]);
    const listener = new TcpReplayListener(replay, cert);
    const url = await listener.listen();
    assert.match(url, /^xmpp:\/\/127\.0\.0\.1:\d+$/);
    try {
      const client = new TcpClient({
        service: url,
        domain: DOMAIN,
        username: AGENT.user,
        password: 'any password: the recording has none',
        resource: 'replayed',
        caFile: cert.certFile,
      });
      clients.push(client);
      const online = await client.online();
      assert.equal(online.secure, true);
      assert.equal(online.jid, `${AGENT.user}@${DOMAIN}/replayed`);
      const update = await client.stanza('tcp-rec-1');
      assert.match(update.xml ?? '', /LOGIN/);
      await client.stop();
    } finally {
      await replay.close();
      await listener.close();
    }
  });

  it('finesse-frames replay FILE --tcp serves it on xmpp://127.0.0.1:PORT with STARTTLS (--once exits after the client)', async function () {
    this.timeout(120_000);
    assert.ok(file, 'the recording of the test before');
    await buildCli();
    const certDir = join(dir, 'cli');
    const run = spawnCli(['replay', file, '--tcp', '--cert-dir', certDir, '--speed', '0', '--once']);
    try {
      const first = await run.waitFor(() => true, 'the listening line');
      assert.match(first.listening, /^xmpp:\/\/127\.0\.0\.1:\d+$/);
      await run.waitForStderr(/STARTTLS certificate SHA-256/);
      const client = new TcpClient({
        service: first.listening,
        domain: DOMAIN,
        username: AGENT.user,
        password: 'whatever',
        resource: 'cli',
        caFile: join(certDir, CERT_FILE),
      });
      clients.push(client);
      assert.equal((await client.online()).secure, true);
      await client.stanza('tcp-rec-1');
      await client.stop();
      assert.equal((await run.exit).code, 0);
    } finally {
      await run.kill('SIGKILL');
    }
  });
});
