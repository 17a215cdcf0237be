// /gadgets/ifr on the local Finesse over HTTP: specs found in the served folder only, a spec that
// does not parse answered with a page naming its line (and reported), finesse.js looked for where
// the gadget loads it (the desktop's copy, or the gadget's folder) with a page saying how to
// supply one, message bundles from the spec's folder, the gadget frame's CSP, and the runtime.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FinesseSimulator } from '../../src/core/simulator/simulator';
import type { GadgetProblem } from '../../src/core/gadgets/problem';

const spec = (html: string, prefs = '') =>
  `<?xml version="1.0"?>\n<Module>\n<ModulePrefs title="__MSG_t__">\n<Require feature="pubsub-2"/>${prefs}\n</ModulePrefs>\n<Content type="html"><![CDATA[${html}]]></Content>\n</Module>\n`;

describe('gadget rendering at /gadgets/ifr', function () {
  let sim: FinesseSimulator;
  let dir: string;
  let finesseJs: string | undefined;
  const problems: GadgetProblem[] = [];
  const ifr = (url: string, extra = '') =>
    fetch(`${sim.origin}/gadgets/ifr?mid=9${extra}&url=${encodeURIComponent(url)}`);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'finesse-ifr-'));
    for (const d of ['Broken', 'Desk', 'Ten', 'Msgs', 'Eleven']) mkdirSync(join(dir, d));
    // An 11.x gadget as Cisco's FAQ writes it: the library from the server named by UserPrefs.
    writeFileSync(
      join(dir, 'Eleven', 'Eleven.xml'),
      spec(
        '<script src="__UP_scheme__://__UP_host__:__UP_hostPort__/desktop/assets/js/finesse.js"></script><p>eleven</p>',
      ).replace(
        '</ModulePrefs>',
        '</ModulePrefs>\n<UserPref name="scheme"/><UserPref name="host"/><UserPref name="hostPort"/>',
      ),
    );
    writeFileSync(
      join(dir, 'Broken', 'Broken.xml'),
      '<?xml version="1.0"?>\n<Module>\n<ModulePrefs title="x">\n<Content/>\n</Module>\n',
    );
    writeFileSync(
      join(dir, 'Desk', 'Desk.xml'),
      spec('<script src="/desktop/assets/js/finesse.js"></script><p>desk</p>'),
    );
    writeFileSync(join(dir, 'Ten', 'Ten.xml'), spec('<script src="finesse-10.5.1.js"></script><p>ten</p>'));
    writeFileSync(
      join(dir, 'Msgs', 'Msgs.xml'),
      spec(
        '<p>__MSG_t__</p>',
        '\n<Locale messages="msgs/all.xml"/>\n<Locale lang="fr" messages="msgs/fr.xml"/>\n<Locale lang="de" messages="nowhere.xml"/>',
      ),
    );
    mkdirSync(join(dir, 'Msgs', 'msgs'));
    writeFileSync(join(dir, 'Msgs', 'msgs', 'all.xml'), '<messagebundle><msg name="t">Title</msg></messagebundle>');
    writeFileSync(join(dir, 'Msgs', 'msgs', 'fr.xml'), '<messagebundle><msg name="t">Titre</msg></messagebundle>');
    writeFileSync(join(dir, 'outside.xml'), spec('x'));
    sim = new FinesseSimulator({
      serve: join(dir),
      scenario: { name: 'idle', start: 'immediately', steps: [] },
      gadgets: { onProblem: (p) => problems.push(p), finesseJs: () => finesseJs },
    });
    await sim.listen();
  });
  after(async () => {
    await sim?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    problems.length = 0;
    finesseJs = undefined;
  });

  it('serves the gadget frame with a CSP that keeps it on this origin, inline scripts allowed', async () => {
    finesseJs = '/* copy */';
    const res = await ifr('/3rdpartygadget/files/Desk/Desk.xml');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
    const csp = res.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /script-src 'self' 'unsafe-inline'/);
    assert.match(csp, /connect-src 'self'/);
    assert.match(csp, /frame-ancestors 'self'/);
    assert.match(await res.text(), /<p>desk<\/p>/);
  });

  it('answers a spec that does not parse with a page naming the line, and reports it', async () => {
    const res = await ifr(`${sim.origin}/3rdpartygadget/files/Broken/Broken.xml`);
    assert.equal(res.status, 200);
    const html = await res.text();
    assert.match(html, /<h1>The gadget cannot run<\/h1>/);
    assert.match(html, /<li>the gadget spec does not parse: line 5(:\d+)?: [^<]*ModulePrefs[^<]*<\/li>/);
    assert.equal(problems.length, 1);
    assert.equal(problems[0].kind, 'spec');
    assert.equal(problems[0].line, 5);
    assert.equal(problems[0].mid, '9');
  });

  it('renders only specs of the served folder', async () => {
    const alias = await ifr(
      `http://localhost:${new URL(sim.origin as string).port}/3rdpartygadget/files/Msgs/Msgs.xml`,
    );
    assert.equal(alias.status, 200, 'localhost names this same loopback server');
    assert.match(await alias.text(), /<base href="http:\/\/127\.0\.0\.1:\d+\/3rdpartygadget\/files\/Msgs\/Msgs\.xml">/);
    const other = await ifr('http://example.invalid/3rdpartygadget/files/Desk/Desk.xml');
    assert.equal(other.status, 403);
    assert.match(await other.text(), /is not on this server/);
    const escape = await ifr('/3rdpartygadget/files/Desk/..%2f..%2f..%2fetc/passwd');
    assert.equal(escape.status, 403);
    const missing = await ifr('/3rdpartygadget/files/None/None.xml');
    assert.equal(missing.status, 404);
    assert.match(await missing.text(), /no such file in the served folder/);
    const none = await fetch(`${sim.origin}/gadgets/ifr?mid=1`);
    assert.equal(none.status, 400);
    assert.equal(problems.length, 4);
  });

  it('says how to supply finesse.js when the gadget loads the desktop copy and there is none', async () => {
    const html = await (await ifr('/3rdpartygadget/files/Desk/Desk.xml')).text();
    assert.match(html, /the gadget loads \/desktop\/assets\/js\/finesse\.js and no finesse\.js is available/);
    assert.match(html, /--finesse-js FILE/);
    assert.match(html, /finesse\*\.js file in the gadget folder/);
    assert.match(html, /finesse\.gadgets\.finesseJs/);
    assert.deepEqual(
      problems.map((p) => [p.kind, p.url]),
      [['finesse-js', `${sim.origin}/desktop/assets/js/finesse.js`]],
    );
  });

  it('looks for the finesse.js an 11.x gadget loads from __UP_scheme__://__UP_host__:__UP_hostPort__', async () => {
    const port = new URL(sim.origin as string).port;
    const up = `&up_scheme=http&up_host=localhost&up_hostPort=${port}`;
    assert.match(
      await (await ifr('/3rdpartygadget/files/Eleven/Eleven.xml', up)).text(),
      /no finesse\.js is available/,
    );
    assert.deepEqual(
      problems.map((p) => p.url),
      [`http://localhost:${port}/desktop/assets/js/finesse.js`],
    );
    finesseJs = '/* copy */';
    const html = await (await ifr('/3rdpartygadget/files/Eleven/Eleven.xml', up)).text();
    assert.match(
      html,
      new RegExp(`<script src="http://localhost:${port}/desktop/assets/js/finesse\\.js"></script><p>eleven</p>`),
    );
  });

  it('finds a finesse*.js the gadget loads from its own folder', async () => {
    assert.match(await (await ifr('/3rdpartygadget/files/Ten/Ten.xml')).text(), /no finesse\.js is available/);
    writeFileSync(join(dir, 'Ten', 'finesse-10.5.1.js'), '/* the user copy */');
    assert.match(await (await ifr('/3rdpartygadget/files/Ten/Ten.xml')).text(), /<p>ten<\/p>/);
  });

  it('takes messages from the bundles in the spec folder for the frame locale, and reports a missing one', async () => {
    assert.match(
      await (await ifr('/3rdpartygadget/files/Msgs/Msgs.xml')).text(),
      /<title>Title<\/title>.*<p>Title<\/p>/s,
    );
    assert.match(await (await ifr('/3rdpartygadget/files/Msgs/Msgs.xml', '&lang=fr')).text(), /<p>Titre<\/p>/);
    assert.equal(problems.length, 0, 'no problem with the bundles found');
    assert.match(await (await ifr('/3rdpartygadget/files/Msgs/Msgs.xml', '&up_locale=de_DE')).text(), /<p>Title<\/p>/);
    assert.deepEqual(
      problems.map((p) => [p.kind, p.severity, p.line, p.message]),
      [['spec', 'warning', 7, 'message bundle nowhere.xml not found']],
    );
  });

  it('serves the gadgets.* runtime script', async () => {
    const res = await fetch(`${sim.origin}/gadgets/js/gadget-runtime.js`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.equal(res.headers.get('sourcemap'), '/gadgets/js/gadget-runtime.js.map');
    assert.match(await res.text(), /HubSettings/);
    assert.equal((await fetch(`${sim.origin}/gadgets/js/other.js`)).status, 404);
    // Its source map ignore-lists every source, so DevTools shows console calls at the gadget's line.
    const map = (await (await fetch(`${sim.origin}/gadgets/js/gadget-runtime.js.map`)).json()) as {
      sources: string[];
      ignoreList: number[];
    };
    assert.ok(map.sources.some((s) => s.endsWith('gadget/gadgetLog.ts')));
    assert.deepEqual(
      map.ignoreList,
      map.sources.map((_, i) => i),
    );
  });
});
