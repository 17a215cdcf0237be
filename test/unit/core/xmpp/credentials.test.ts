// Credentials are found from the XML structure, whatever the spelling: a small generator of
// valid spellings of SASL <auth>/<response>, SASL2 <initial-response> and <password> (end-tag
// whitespace, prefixes, inherited namespaces, CDATA, comments, entities, '>' in attributes),
// plus malformed ones, each checked in every output path (redact, stdout JSON lines, saved
// session, HAR export, the detail pane and the stanza tree).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Frame } from '../../../../src/core/capture/frame';
import { frameToJsonLine } from '../../../../src/core/capture/jsonLines';
import { exportHar, writeHarFile } from '../../../../src/core/recording/har';
import { saveSession } from '../../../../src/core/recording/writer';
import { credentialRanges } from '../../../../src/core/xmpp/credentials';
import { redact, REDACTED, SASL_NS } from '../../../../src/core/xmpp/sasl';
import { Element, parseXml } from '../../../../src/core/xmpp/xml';
import { buildDetail } from '../../../../src/vscode/panel/detail';
import { stanzaTree } from '../../../../src/vscode/panel/stanzaModel';

/** mulberry32: a seeded generator, so a failure names a case that can be run again. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Case {
  raw: string;
  /** Substrings of the secret that must appear in no output. */
  pieces: string[];
  valid: boolean;
}

const WS = [' ', '\n', '\t', '\r\n', '  \n '];

function spelling(seed: number): Case {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const password = `pw${Math.floor(r() * 1e9).toString(36)}Zq`;
  const payload = Buffer.from(`\0agent${seed}\0${password}`).toString('base64');
  const kind = pick(['auth', 'auth', 'response', 'initial-response', 'password'] as const);
  const prefix = kind === 'auth' || kind === 'response' ? pick(['', '', 'sasl:']) : '';
  const q = pick(['"', "'"]);
  const nsOnElement = r() < 0.6;
  const nsDecl = prefix ? ` xmlns:${prefix.slice(0, -1)}=${q}${SASL_NS}${q}` : ` xmlns=${q}${SASL_NS}${q}`;
  const attrs = [
    kind === 'auth' ? ` mechanism=${q}PL${pick(['AIN', 'AIN', 'AIN&gt;', 'AIN>'])}${q}` : '',
    nsOnElement ? nsDecl : '',
  ];
  if (r() < 0.5) attrs.reverse();
  const name = prefix + kind;
  const openTag = `<${name}${attrs.join('')}${r() < 0.4 ? pick(WS) : ''}>`;
  // The payload split into pieces, each spelled its own way.
  const cuts = [
    0,
    ...Array.from({ length: Math.floor(r() * 3) }, () => 1 + Math.floor(r() * (payload.length - 2))).sort(
      (a, b) => a - b,
    ),
    payload.length,
  ];
  const parts: string[] = [];
  const pieces: string[] = [];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const piece = payload.slice(cuts[i], cuts[i + 1]);
    if (!piece) continue;
    if (piece.length >= 4) pieces.push(piece);
    const style = pick(['plain', 'cdata', 'comment', 'entity'] as const);
    if (style === 'cdata') parts.push(`<![CDATA[${piece}]]>`);
    else if (style === 'comment') parts.push(`<!-- ${pick(['c', '</auth>', 'x > y'])} -->${piece}`);
    else if (style === 'entity') parts.push(`&#x${piece.charCodeAt(0).toString(16)};${piece.slice(1)}`);
    else parts.push(piece);
  }
  const body = (r() < 0.3 ? pick(WS) : '') + parts.join('') + (r() < 0.3 ? pick(WS) : '');
  const closeTag = `</${name}${r() < 0.6 ? pick(WS) : ''}>`;
  let element = `${openTag}${body}${closeTag}`;
  // Wrapped: <authenticate> for SASL2, a jabber:iq:register query for <password>, else maybe
  // a parent carrying the namespace.
  if (kind === 'initial-response')
    element = `<authenticate xmlns=${q}urn:xmpp:sasl:2${q} mechanism="PLAIN">${element}</authenticate>`;
  else if (kind === 'password')
    element = `<iq type="set" id="r1"><query xmlns="jabber:iq:register"><username>a</username>${element}</query></iq>`;
  else if (!nsOnElement) element = `<wrap${nsDecl}>${element}</wrap>`;
  const malformed = r() < 0.3;
  if (!malformed) return { raw: element, pieces: pieces.length ? pieces : [payload], valid: true };
  // Malformed: cut anywhere after the payload began, or drop the end of the start tag.
  const start = element.indexOf(openTag) + openTag.length;
  const cutAt = start + 1 + Math.floor(r() * (element.length - start - 1));
  const broken =
    pick(['cut', 'opentag'] as const) === 'cut'
      ? element.slice(0, cutAt)
      : element.replace(openTag, openTag.slice(0, -1) + ' ');
  const left = pieces.filter((p) => broken.includes(p));
  return { raw: broken, pieces: left, valid: false };
}

/** Every credential element's text in a parsed element. */
function credentialTexts(el: Element, out: string[] = []): string[] {
  const local = el.getName();
  if (
    local === 'auth' ||
    local === 'initial-response' ||
    local === 'password' ||
    (local === 'response' && el.getNS() === SASL_NS)
  )
    out.push(el.getText());
  for (const c of el.children) if (typeof c !== 'string') credentialTexts(c, out);
  return out;
}

describe('credential redaction (property: every spelling, every output)', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'credentials-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  const CASES = 400;
  const cases = Array.from({ length: CASES }, (_, i) => ({ seed: i + 1, ...spelling(i + 1) }));

  it('the generator makes valid XML where it means to, with the payload as the parsed text', () => {
    let valid = 0;
    for (const c of cases.filter((x) => x.valid)) {
      const p = parseXml(c.raw);
      assert.ok(p.ok, `seed ${c.seed}: ${c.raw} — ${!p.ok && p.error}`);
      assert.equal(credentialTexts(p.element).length, 1, `seed ${c.seed}`);
      valid++;
    }
    assert.ok(valid > CASES / 2);
  });

  it('redact(): no piece of the payload survives; a valid frame stays valid with [redacted] as the text', () => {
    for (const c of cases) {
      const out = redact(c.raw);
      for (const piece of c.pieces)
        assert.ok(!out.includes(piece), `seed ${c.seed}: ${JSON.stringify(c.raw)} → ${JSON.stringify(out)}`);
      if (!c.valid) continue;
      const p = parseXml(out);
      assert.ok(p.ok, `seed ${c.seed}: ${out}`);
      assert.deepEqual(credentialTexts(p.element), [REDACTED], `seed ${c.seed}: ${out}`);
    }
  });

  it('every output path: JSON lines, saved session, HAR (object and file), detail pane, stanza tree', async () => {
    const frames: Frame[] = cases.map((c, i) => ({
      id: i + 1,
      session: 's',
      dir: 'out',
      t: 1000 + i,
      kind: 'stanza',
      raw: c.raw,
      bytes: c.raw.length,
      flags: {},
    }));
    const session = join(dir, 'all.finesse-session');
    await saveSession(session, frames, { sessions: [{ id: 's', label: 'agent', started: 1000 }] });
    const harFile = join(dir, 'all.har');
    await writeHarFile(harFile, frames, [{ id: 's', label: 'agent', started: 1000 }]);
    const files = [readFileSync(session, 'utf8'), readFileSync(harFile, 'utf8'), JSON.stringify(exportHar(frames, []))];
    for (const [i, c] of cases.entries()) {
      const outputs = [
        frameToJsonLine(frames[i]),
        JSON.stringify(buildDetail(frames[i])),
        JSON.stringify(stanzaTree(frames[i])),
      ];
      for (const piece of c.pieces) {
        for (const out of outputs)
          assert.ok(!out.includes(piece), `seed ${c.seed}: ${JSON.stringify(c.raw)} in ${out.slice(0, 300)}`);
        for (const file of files)
          assert.ok(!file.includes(piece), `seed ${c.seed}: ${JSON.stringify(c.raw)} in a file`);
      }
    }
  });

  it('named spellings from the review', () => {
    const p = Buffer.from('\0agent1\0secret').toString('base64');
    for (const raw of [
      `<auth xmlns="${SASL_NS}" mechanism="PLAIN">${p}</auth >`,
      `<auth xmlns="${SASL_NS}" mechanism="PLAIN">${p}</auth\n>`,
      `<auth xmlns="${SASL_NS}" mechanism="PLAIN"><![CDATA[${p}]]></auth>`,
      `<auth xmlns="${SASL_NS}" mechanism="PLAIN"><!-- x -->${p}</auth>`,
      `<auth xmlns="${SASL_NS}" mechanism="PLAIN">${p}`,
      `<auth xmlns="${SASL_NS}" mechanism="PLAIN" ${p}`,
      `<auth xmlns="${SASL_NS}" mechanism="PLAIN ${p}</auth>`,
    ]) {
      assert.ok(!redact(raw).includes(p), raw);
      assert.ok(!redact(raw).includes(p.slice(4, 12)), raw);
    }
  });

  it('finds nothing where there is no credential (and keeps empty and "=" responses)', () => {
    for (const raw of [
      '<presence/>',
      '<message><body>auth response password</body></message>',
      `<auth xmlns="${SASL_NS}" mechanism="EXTERNAL">=</auth>`,
      '<iq><response xmlns="urn:example">x</response></iq>',
      'not xml at all',
    ]) {
      assert.deepEqual(credentialRanges(raw), [], raw);
    }
  });
});
