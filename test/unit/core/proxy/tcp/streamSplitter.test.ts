import assert from 'node:assert/strict';
import { PieceKind, StreamPiece, StreamSplitter } from '../../../../../src/core/proxy/tcp/streamSplitter';

const HEADER = `<?xml version='1.0'?><stream:stream xmlns="jabber:client" xmlns:stream="http://etherx.jabber.org/streams" to="finesse.test" version="1.0">`;
const STANZAS = [
  `<stream:features><mechanisms xmlns="urn:ietf:params:xml:ns:xmpp-sasl"><mechanism>PLAIN</mechanism></mechanisms></stream:features>`,
  `<auth xmlns="urn:ietf:params:xml:ns:xmpp-sasl" mechanism="PLAIN">AGFnZW50MQBhZ2VudDE=</auth>`,
  `<message to="a@b" note='a > b "quoted"'><body>x &lt; y <!-- a > comment --><![CDATA[ <not/> a tag > ]]></body></message>`,
  `<iq type="get" id="1"/>`,
  `<presence><status>héllo ✓ 日本</status></presence>`,
];
const TEXT = `${HEADER}${STANZAS[0]} ${STANZAS[1]}${HEADER}${STANZAS.slice(2).join('')}\n</stream:stream>`;
const KINDS: PieceKind[] = [
  'header',
  'stanza',
  'whitespace',
  'stanza',
  'header',
  'stanza',
  'stanza',
  'stanza',
  'whitespace',
  'close',
];

function splitIn(chunks: Buffer[]): StreamPiece[] {
  const s = new StreamSplitter();
  return [...chunks.flatMap((c) => s.push(c)), ...s.end()];
}

/** A deterministic chunking of `bytes` (xorshift from `seed`). */
function chunked(bytes: Buffer, seed: number): Buffer[] {
  const out: Buffer[] = [];
  let x = seed;
  for (let i = 0; i < bytes.length;) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const n = 1 + (Math.abs(x) % 40);
    out.push(bytes.subarray(i, i + n));
    i += n;
  }
  return out;
}

describe('StreamSplitter (XMPP over TCP, byte-exact)', () => {
  const bytes = Buffer.from(TEXT, 'utf8');

  it('splits a stream into its header, stanzas, whitespace, restart header and close', () => {
    const pieces = splitIn([bytes]);
    assert.deepEqual(
      pieces.map((p) => p.kind),
      KINDS,
    );
    assert.equal(pieces[0].bytes.toString(), HEADER);
    assert.equal(pieces[0].name, 'stream:stream');
    assert.equal(pieces[5].bytes.toString(), STANZAS[2]);
    assert.equal(pieces[1].name, 'stream:features');
  });

  it('gives the same pieces whatever the chunks, one byte at a time included, and loses no byte', () => {
    const whole = splitIn([bytes]).map((p) => p.bytes.toString('hex'));
    const oneByOne = splitIn([...bytes].map((b) => Buffer.from([b])));
    // Whitespace is whole as sent: one byte at a time it may come as more pieces, nothing else.
    assert.deepEqual(
      oneByOne.filter((p) => p.kind !== 'whitespace').map((p) => p.bytes.toString('hex')),
      splitIn([bytes])
        .filter((p) => p.kind !== 'whitespace')
        .map((p) => p.bytes.toString('hex')),
    );
    for (let seed = 1; seed <= 50; seed++) {
      const pieces = splitIn(chunked(bytes, seed));
      assert.deepEqual(Buffer.concat(pieces.map((p) => p.bytes)), bytes, `seed ${seed}`);
      assert.deepEqual(
        pieces.filter((p) => p.kind !== 'whitespace').map((p) => p.bytes.toString('hex')),
        whole.filter((_, i) => KINDS[i] !== 'whitespace'),
      );
    }
  });

  it('keeps invalid UTF-8 bytes as they are', () => {
    const bad = Buffer.concat([
      Buffer.from(`${HEADER}<message><body>`),
      Buffer.from([0xff, 0xc3]),
      Buffer.from('</body></message>'),
    ]);
    const pieces = splitIn([bad]);
    assert.deepEqual(Buffer.concat(pieces.map((p) => p.bytes)), bad);
    assert.equal(pieces[1].kind, 'stanza');
  });

  it('marks text outside any element and an unfinished element at the end as junk, forwarding every byte', () => {
    const text = `${HEADER}not xml<iq type="get"><ping`;
    const pieces = splitIn([Buffer.from(text)]);
    assert.deepEqual(
      pieces.map((p) => [p.kind, p.bytes.toString()]),
      [
        ['header', HEADER],
        ['junk', 'not xml'],
        ['junk', '<iq type="get"><ping'],
      ],
    );
    assert.match(pieces[1].error ?? '', /outside/);
    assert.match(pieces[2].error ?? '', /ended inside/);
  });

  it('cuts a piece that outgrows the limit off as junk instead of buffering on', () => {
    const s = new StreamSplitter(64);
    assert.equal(s.push(Buffer.from(HEADER))[0].kind, 'header');
    const pieces = s.push(Buffer.from(`<message><body>${'x'.repeat(100)}`));
    assert.equal(pieces.length, 1);
    assert.equal(pieces[0].kind, 'junk');
    assert.equal(s.buffered, 0);
  });

  it('waits for the rest of a comment or CDATA opener split across chunks', () => {
    const s = new StreamSplitter();
    s.push(Buffer.from(HEADER));
    assert.deepEqual(s.push(Buffer.from('<message><body><!')), []);
    assert.deepEqual(
      s.push(Buffer.from('[CDATA[ </body> > ]]></body></message>')).map((p) => p.kind),
      ['stanza'],
    );
    assert.deepEqual(s.push(Buffer.from('<message><!-')), []);
    assert.deepEqual(
      s.push(Buffer.from('- </message> --></message>')).map((p) => p.kind),
      ['stanza'],
    );
  });

  it('starts over after reset (the TLS layer begins)', () => {
    const s = new StreamSplitter();
    s.push(Buffer.from(`${HEADER}<starttls xmlns="urn:ietf:params:xml:ns:xmpp-tls"/>`));
    assert.equal(s.inStream, true);
    s.reset();
    assert.equal(s.inStream, false);
    assert.equal(s.push(Buffer.from(HEADER))[0].kind, 'header');
  });
});

describe('StreamSplitter: end tags that do not match', () => {
  it('cuts a stanza with a mismatched end tag off as junk at once, and reads on', () => {
    const s = new StreamSplitter();
    s.push(Buffer.from(HEADER));
    const pieces = s.push(Buffer.from('<presence><status>x</presence><iq type="get" id="2"/>'));
    assert.deepEqual(
      pieces.map((p) => [p.kind, p.bytes.toString()]),
      [
        ['junk', '<presence><status>x</presence>'],
        ['stanza', '<iq type="get" id="2"/>'],
      ],
    );
    assert.match(pieces[0].error ?? '', /<\/presence> does not close/);
  });
});
