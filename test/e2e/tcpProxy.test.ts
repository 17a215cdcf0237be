// The proxy in front of an XMPP-over-TCP server, as integrations use Finesse on port 5222:
// @xmpp/client over xmpp:// (its own process, trusting the product's certificate as a user
// would) through the proxy to real Prosody's c2s port, STARTTLS terminated on both legs and the
// server verified by CA file or pinned fingerprint; frames are the stream's top-level elements,
// byte for byte; pause, edit and inject work as on WebSocket sessions; SASL is redacted when
// saved. Then the same in front of the local Finesse's TCP listener.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import type { Frame } from '../../src/core/capture/frame';
import { FrameStore } from '../../src/core/capture/frameStore';
import { frameView } from '../../src/core/capture/frameView';
import { LiveSessionRegistry } from '../../src/core/capture/liveSession';
import { Interceptor } from '../../src/core/intercept/interceptor';
import { saveSession } from '../../src/core/recording/writer';
import { TcpProxy } from '../../src/core/proxy/tcp/tcpProxy';
import { CERT_FILE, listenerCertificate } from '../../src/core/proxy/reverse/cert';
import { FinesseSimulator } from '../../src/core/simulator/simulator';
import { idleScenario } from '../../src/core/simulator/scenario';
import { DOMAIN, Prosody } from '../support/prosody';
import { TcpClient } from '../support/tcpClient';
import { buildCli, CliProcess, spawnCli } from '../support/cli';
import { waitForFrame } from '../support/frames';

const AGENT = { user: 'agent1', password: 'tcp-Secret-1' };
const HEADER = `<?xml version='1.0'?><stream:stream  xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='${DOMAIN}'   version='1.0'>`;

function framesOf(store: FrameStore, session: string): Frame[] {
  return [...store].filter((f) => f.session === session);
}

describe('proxy in front of XMPP over TCP', () => {
  let prosody: Prosody;
  let certDir: string;
  const clients: TcpClient[] = [];
  const proxies: TcpProxy[] = [];

  before(async function () {
    this.timeout(60_000);
    prosody = await Prosody.start({ users: [AGENT], c2s: true });
    certDir = mkdtempSync(join(tmpdir(), 'tcp-proxy-cert-'));
  });
  after(async () => {
    for (const c of clients) await c.stop();
    for (const p of proxies) await p.close();
    await prosody?.dispose();
    if (certDir) rmSync(certDir, { recursive: true, force: true });
  });

  async function startProxy(
    store: FrameStore,
    opts: { port?: number; caFile?: string; fingerprint?: string; gate?: Interceptor; live?: LiveSessionRegistry } = {},
  ): Promise<TcpProxy> {
    const proxy = new TcpProxy(store, {
      target: `xmpp://127.0.0.1:${opts.port ?? prosody.c2sPort}`,
      certDir,
      domain: DOMAIN,
      trust: { caFile: opts.caFile, fingerprint: opts.fingerprint },
      gate: opts.gate,
      live: opts.live,
    });
    proxies.push(proxy);
    await proxy.listen();
    return proxy;
  }

  function client(proxy: TcpProxy, resource: string): TcpClient {
    const c = new TcpClient({
      service: proxy.url as string,
      domain: DOMAIN,
      username: AGENT.user,
      password: AGENT.password,
      resource,
      caFile: join(certDir, CERT_FILE),
    });
    clients.push(c);
    return c;
  }

  it('carries @xmpp/client through STARTTLS on both legs to Prosody; the frames are the stream elements', async () => {
    const store = new FrameStore();
    const proxy = await startProxy(store, { caFile: prosody.certFile });
    const session = new Promise<string>((resolve) => proxy.once('session', (s) => resolve(s.id)));
    const c = client(proxy, 'through');
    const online = await c.online();
    assert.equal(online.jid, `${AGENT.user}@${DOMAIN}/through`);
    assert.equal(online.secure, true);
    const id = await session;
    await waitForFrame(store, (f) => f.session === id && f.dir === 'in' && f.raw.includes('<jid>'));
    const frames = framesOf(store, id);
    const shown = frames.map((f) => `${f.dir} ${f.kind} ${f.raw.slice(0, 40)}`).join('\n');
    const outKinds = frames.filter((f) => f.dir === 'out' && f.kind !== 'text').map((f) => frameView(f).element?.name);
    // header, STARTTLS, header over TLS, SASL, header after SASL, bind: each one frame.
    assert.deepEqual(
      outKinds.slice(0, 6),
      ['stream:stream', 'starttls', 'stream:stream', 'auth', 'stream:stream', 'iq'],
      shown,
    );
    assert.ok(
      frames.some((f) => f.dir === 'in' && /^<proceed /.test(f.raw)),
      shown,
    );
    const opens = frames.filter((f) => f.kind === 'open');
    assert.ok(opens.length >= 6, 'three stream headers each way');
    for (const f of opens) assert.equal(frameView(f).error, undefined, `a header reads as an element: ${f.raw}`);
    for (const f of frames) assert.equal(f.bytes, Buffer.byteLength(f.raw));
    assert.ok(
      frames.some((f) => f.dir === 'out' && f.raw.includes('mechanism="PLAIN"') && !f.raw.includes('[redacted]')),
    );

    // Saved, the SASL payload is gone.
    const file = join(certDir, 'through.finesse-session');
    await saveSession(file, frames, { sessions: [...store.sessions.values()].filter((s) => s.id === id) });
    const saved = readFileSync(file, 'utf8');
    const plain = Buffer.from(`\0${AGENT.user}\0${AGENT.password}`).toString('base64');
    const auth = frames.find((f) => f.raw.includes('mechanism="PLAIN"'));
    assert.ok(auth && auth.raw.includes(plain.slice(0, 8)), 'the live frame has the payload');
    assert.ok(!saved.includes(plain), 'the saved file has no SASL payload');
    assert.ok(saved.includes('[redacted]'));
    await c.stop();
  });

  it('forwards the bytes exactly as sent, and what is not XML too, marked malformed', async () => {
    const store = new FrameStore();
    const proxy = await startProxy(store, { caFile: prosody.certFile });
    const port = Number(new URL(proxy.url as string).port);
    const session = new Promise<string>((resolve) => proxy.once('session', (s) => resolve(s.id)));
    const sock = net.connect(port, '127.0.0.1');
    let answer = '';
    sock.on('data', (d) => (answer += d));
    const closed = new Promise((resolve) => sock.on('close', resolve));
    sock.write(HEADER);
    const id = await session;
    await waitForFrame(store, (f) => f.session === id && f.dir === 'in' && f.raw.includes('</stream:features>'));
    sock.write(' ');
    await waitForFrame(store, (f) => f.session === id && f.raw === ' ');
    sock.write('this is not XML');
    await waitForFrame(store, (f) => f.session === id && f.raw === 'this is not XML');
    sock.write('<presence><status>away</presence>');
    await closed;
    const frames = framesOf(store, id);
    assert.equal(frames[0].raw, HEADER, 'the header as sent, odd quotes and spacing kept');
    const junk = frames.find((f) => f.dir === 'out' && f.raw === 'this is not XML');
    assert.ok(junk?.flags.malformed, 'junk is captured and marked');
    assert.ok(frames.some((f) => f.dir === 'out' && f.raw === ' ' && f.kind === 'text' && !f.flags.malformed));
    const mismatched = frames.find((f) => f.dir === 'out' && f.raw === '<presence><status>away</presence>');
    assert.ok(mismatched?.flags.malformed, 'a stanza with a mismatched end tag is forwarded whole as it came, marked');
    assert.match(answer, /not-well-formed/, "Prosody's answer to the forwarded junk reached the client");
    const inBytes = frames
      .filter((f) => f.dir === 'in')
      .map((f) => f.raw)
      .join('');
    assert.equal(inBytes, answer, 'what the client read is exactly the frames captured from the server');
  });

  it('pauses, edits and injects stanzas both ways in a TCP session (FrameGate, LiveSessionRegistry)', async () => {
    const store = new FrameStore();
    const live = new LiveSessionRegistry();
    const gate = new Interceptor(store, live, { holdTimeoutMs: 0 });
    const proxy = await startProxy(store, { caFile: prosody.certFile, gate, live });
    const session = new Promise<string>((resolve) => proxy.once('session', (s) => resolve(s.id)));
    const c = client(proxy, 'gated');
    await c.online();
    const id = await session;
    assert.ok(live.get(id), 'the TCP session is live');

    gate.pause('in');
    // Whatever else the server sends meanwhile waits too; the ping's result is among the held.
    const held = new Promise<Frame>((resolve) => {
      const look = () => {
        const h = gate.held().find((x) => /id=['"]ping1['"]/.test(x.frame.raw));
        if (h) {
          gate.off('changed', look);
          gate.off('held', look);
          resolve(h.frame);
        }
      };
      gate.on('changed', look);
      gate.on('held', look);
    });
    c.send(`<iq type="get" id="ping1" to="${DOMAIN}"><ping xmlns="urn:xmpp:ping"/></iq>`);
    const frame = await held;
    gate.forward(frame.id, frame.raw.replace(/id=(['"])ping1\1/, 'id="ping1-edited"'));
    gate.resume('in');
    await c.stanza('id="ping1-edited"');
    assert.equal(store.get(frame.id)?.flags.edited, true);

    gate.inject(
      id,
      'in',
      `<message xmlns="jabber:client" from="${DOMAIN}"><body>injected to the client</body></message>`,
    );
    await c.stanza('injected to the client');
    gate.inject(
      id,
      'out',
      `<iq xmlns="jabber:client" type="get" id="inj1" to="${DOMAIN}"><ping xmlns="urn:xmpp:ping"/></iq>`,
    );
    await c.stanza('id="inj1"');
    await c.stop();
    gate.dispose();
  });

  it('verifies the server: a pinned fingerprint that matches passes, another one never reaches the stream', async () => {
    const real = new X509Certificate(readFileSync(prosody.certFile)).fingerprint256;
    const good = await startProxy(new FrameStore(), { fingerprint: real });
    const ok = client(good, 'pinned');
    assert.equal((await ok.online()).secure, true);
    await ok.stop();

    const store = new FrameStore();
    const bad = await startProxy(store, { fingerprint: real.replace(/^../, real.startsWith('00') ? '11' : '00') });
    const refused = new Promise<Error>((resolve) => bad.once('error', resolve));
    const c = client(bad, 'wrong-pin');
    const failed = c.next((e) => e.event === 'error' || e.event === 'offline');
    assert.match((await refused).message, /fingerprint/i);
    await failed;
    assert.ok(!c.events.some((e) => e.event === 'online'));
    assert.ok(![...store].some((f) => f.raw.includes('mechanism="PLAIN"')), 'no credentials went to that server');
  });

  it('refuses a server whose certificate the CA file does not vouch for, before any credentials go out', async () => {
    const store = new FrameStore();
    // Another certificate as the CA: Prosody's own is not signed by it.
    const other = mkdtempSync(join(tmpdir(), 'tcp-proxy-other-'));
    try {
      const wrongCa = listenerCertificate(other, [DOMAIN]).certFile;
      const proxy = await startProxy(store, { caFile: wrongCa });
      const refused = new Promise<Error>((resolve) => proxy.once('error', resolve));
      const c = client(proxy, 'wrong-ca');
      const failed = c.next((e) => e.event === 'error' || e.event === 'offline');
      assert.match((await refused).message, /certificate|self[- ]signed|verify/i);
      await failed;
      assert.ok(![...store].some((f) => f.raw.includes('mechanism="PLAIN"')), 'no credentials went to that server');
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('fronts the local Finesse TCP listener the same way (its STARTTLS verified with its certificate)', async () => {
    const simCerts = mkdtempSync(join(tmpdir(), 'tcp-proxy-sim-'));
    const sim = new FinesseSimulator({
      users: { [AGENT.user]: AGENT.password },
      scenario: idleScenario(),
      c2s: { certDir: simCerts },
    });
    await sim.listen();
    try {
      const store = new FrameStore();
      const port = Number(sim.endpoints?.c2s.split(':')[1]);
      const proxy = await startProxy(store, { port, caFile: join(simCerts, CERT_FILE) });
      const session = new Promise<string>((resolve) => proxy.once('session', (s) => resolve(s.id)));
      const c = client(proxy, 'local');
      assert.equal((await c.online()).jid, `${AGENT.user}@${DOMAIN}/local`);
      const id = await session;
      await waitForFrame(store, (f) => f.session === id && f.dir === 'in' && f.raw.includes('<jid>'));
      assert.ok(framesOf(store, id).some((f) => f.dir === 'in' && /^<proceed /.test(f.raw)));
      await c.stop();
    } finally {
      await sim.close();
      rmSync(simCerts, { recursive: true, force: true });
    }
  });
});

describe('finesse-frames proxy --target xmpp:// (built CLI)', () => {
  let prosody: Prosody;
  let dir: string;
  let run: CliProcess | undefined;
  let c: TcpClient | undefined;
  before(async function () {
    this.timeout(120_000);
    await buildCli();
    prosody = await Prosody.start({ users: [AGENT], c2s: true });
    dir = mkdtempSync(join(tmpdir(), 'tcp-proxy-cli-'));
  });
  after(async () => {
    await c?.stop();
    await run?.kill('SIGKILL');
    await prosody?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('prints xmpp://127.0.0.1:PORT and the certificate, then each stream element; SASL redacted on stdout and in --save', async () => {
    const file = join(dir, 'tcp.finesse-session');
    run = spawnCli([
      'proxy',
      '--target',
      `xmpp://127.0.0.1:${prosody.c2sPort}`,
      '--domain',
      DOMAIN,
      '--ca',
      prosody.certFile,
      '--cert-dir',
      dir,
      '--save',
      file,
    ]);
    const first = await run.waitFor(() => true, 'the listening line');
    assert.match(first.listening, /^xmpp:\/\/127\.0\.0\.1:\d+$/);
    await run.waitForStderr(/STARTTLS certificate SHA-256 [0-9A-F:]+/);
    c = new TcpClient({
      service: first.listening,
      domain: DOMAIN,
      username: AGENT.user,
      password: AGENT.password,
      resource: 'cli',
      caFile: join(dir, CERT_FILE),
    });
    assert.equal((await c.online()).secure, true);
    const bound = await run.waitFor((l) => l.dir === 'in' && String(l.raw).includes('<jid>'), 'the bind result');
    const header = run.lines().find((l) => l.session === bound.session && l.kind === 'open' && l.dir === 'out');
    assert.match(String(header?.raw), /^<\?xml version='1\.0'\?><stream:stream /);
    assert.equal(header?.error, undefined);
    const plain = Buffer.from(`\0${AGENT.user}\0${AGENT.password}`).toString('base64');
    assert.ok(run.lines().some((l) => String(l.raw).includes('mechanism="PLAIN"')));
    assert.ok(!run.stdout.raw.join('\n').includes(plain), 'no SASL payload printed');
    await c.stop();
    c = undefined;
    run.proc.kill('SIGINT');
    assert.equal((await run.exit).code, 0);
    run = undefined;
    const saved = readFileSync(file, 'utf8');
    assert.ok(saved.includes('mechanism=\\"PLAIN\\"') || saved.includes('mechanism="PLAIN"'));
    assert.ok(!saved.includes(plain), 'no SASL payload saved');
  });
});
