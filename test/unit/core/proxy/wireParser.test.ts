import assert from 'node:assert/strict';
import {
  encodeFrame,
  OP_BINARY,
  OP_CLOSE,
  OP_CONTINUATION,
  OP_PING,
  OP_TEXT,
} from '../../../../src/core/proxy/wireFrame';
import { Piece, WireFrame, WireParser } from '../../../../src/core/proxy/wireParser';

/** A frame with explicit header bits (for fragments, reserved bits and opcodes). */
function frame(
  opcode: number,
  payload: string | Buffer,
  opts: { fin?: boolean; rsv?: number; masked?: boolean } = {},
): Buffer {
  const bytes = encodeFrame(opcode, Buffer.from(payload), opts.masked ?? false);
  bytes[0] = (opts.fin === false ? 0 : 0x80) | (opts.rsv ?? 0) | opcode;
  return bytes;
}

function collect(limit = 1 << 20) {
  const frames: WireFrame[] = [];
  const streamed: Piece[] = [];
  const parser = new WireParser(
    limit,
    (f) => frames.push(f),
    (p) => streamed.push(...p),
  );
  return { parser, frames, streamed };
}

const text = (f: WireFrame) => f.payload?.toString();

describe('WireParser', () => {
  const stream = Buffer.concat([
    frame(OP_TEXT, '<open xmlns="urn:ietf:params:xml:ns:xmpp-framing"/>', { masked: true }),
    frame(OP_PING, 'p1'),
    frame(OP_TEXT, 'x'.repeat(300), { masked: true }),
    frame(OP_BINARY, Buffer.from([0, 1, 2, 255])),
    frame(OP_TEXT, 'a'.repeat(70_000), { masked: true }),
    frame(OP_CLOSE, Buffer.from([0x03, 0xe8, 0x68, 0x69]), { masked: true }),
  ]);
  const expected = [
    '<open xmlns="urn:ietf:params:xml:ns:xmpp-framing"/>',
    'p1',
    'x'.repeat(300),
    '\u0000\u0001\u0002\ufffd',
    'a'.repeat(70_000),
    '\u0003\ufffdhi',
  ];

  it('finds every frame with its unmasked payload, whatever the chunking (split at every byte)', () => {
    for (const step of [1, 2, 3, 7, 13, 1000, stream.length]) {
      const { parser, frames } = collect();
      for (let i = 0; i < stream.length; i += step) parser.push(stream.subarray(i, i + step), false);
      assert.deepEqual(frames.map(text), expected, `chunks of ${step}`);
      assert.deepEqual(
        frames.map((f) => f.opcode),
        [OP_TEXT, OP_PING, OP_TEXT, OP_BINARY, OP_TEXT, OP_CLOSE],
      );
      assert.ok(parser.idle);
    }
  });

  it('offers whole frames of forwarded chunks in place (the fast path), and the rest as usual', () => {
    for (const step of [1, 3, 100, 4096, stream.length]) {
      const seen: string[] = [];
      const parser = new WireParser(
        1 << 20,
        (f) => seen.push(`frame ${text(f)}`),
        () => assert.fail('nothing is over the limit'),
        (chunk, start, length, b0, maskAt) => {
          if ((b0 & 0x0f) !== OP_TEXT) return false; // declined: comes back through onFrame
          const payload = Buffer.from(chunk.subarray(start, start + length));
          if (maskAt >= 0) for (let i = 0; i < length; i++) payload[i] ^= chunk[maskAt + (i & 3)];
          seen.push(`whole ${payload.toString()}`);
          return true;
        },
      );
      for (let i = 0; i < stream.length; i += step) parser.push(stream.subarray(i, i + step), true);
      assert.deepEqual(
        seen.map((s) => s.slice(6)),
        expected,
        `chunks of ${step}`,
      );
      if (step === stream.length)
        assert.deepEqual(
          seen.map((s) => s.slice(0, 5)),
          ['whole', 'frame', 'whole', 'frame', 'whole', 'frame'],
        );
      assert.ok(parser.idle);
    }
  });

  it('is not offered frames of chunks that were not forwarded (they are still to be sent)', () => {
    const parser = new WireParser(
      1 << 20,
      () => undefined,
      () => undefined,
      () => assert.fail('not offered'),
    );
    parser.push(stream, false);
  });

  it('a peer trickling bytes costs a few pieces per frame, not one per byte', () => {
    const { parser, frames } = collect();
    const big = frame(OP_TEXT, 'y'.repeat(20_000), { masked: true });
    for (let i = 0; i < big.length; i++) parser.push(big.subarray(i, i + 1), false);
    assert.equal(text(frames[0]), 'y'.repeat(20_000));
    assert.ok(frames[0].raw.length <= 2, `${frames[0].raw.length} pieces`);
  });

  it('keeps each frame as the exact bytes it arrived in, without copying them', () => {
    const { parser, frames } = collect();
    const half = Math.floor(stream.length / 2);
    const a = stream.subarray(0, half);
    const b = stream.subarray(half);
    parser.push(a, true);
    parser.push(b, false);
    assert.deepEqual(Buffer.concat(frames.flatMap((f) => f.raw.map((p) => p.bytes))), stream);
    assert.equal(
      frames.reduce((n, f) => n + f.wireBytes, 0),
      stream.length,
    );
    // the pieces are views into the chunks, marked with the chunk's forwarded flag
    const straddling = frames.find((f) => f.raw.length > 1) as WireFrame;
    assert.deepEqual(
      straddling.raw.map((p) => p.forwarded),
      [true, false],
    );
    assert.equal(straddling.raw[0].bytes.buffer, a.buffer);
  });

  it('never modifies the received bytes when unmasking', () => {
    const bytes = frame(OP_TEXT, '<message/>', { masked: true });
    const copy = Buffer.from(bytes);
    const { parser, frames } = collect();
    parser.push(bytes, true);
    assert.equal(text(frames[0]), '<message/>');
    assert.deepEqual(bytes, copy);
  });

  it('reports fragments, reserved bits and reserved opcodes as they are, without judging', () => {
    const { parser, frames } = collect();
    parser.push(
      Buffer.concat([
        frame(OP_TEXT, '<mess', { fin: false }),
        frame(OP_PING, ''),
        frame(OP_CONTINUATION, 'age/>'),
        frame(0x3, 'odd', { rsv: 0x40 }),
      ]),
      false,
    );
    assert.deepEqual(
      frames.map((f) => [f.opcode, f.fin, f.rsv, text(f)]),
      [
        [OP_TEXT, false, 0, '<mess'],
        [OP_PING, true, 0, ''],
        [OP_CONTINUATION, true, 0, 'age/>'],
        [0x3, true, 0x40, 'odd'],
      ],
    );
  });

  it('streams a frame over the limit instead of buffering it, and reports it without payload', () => {
    const { parser, frames, streamed } = collect(1000);
    const big = frame(OP_TEXT, 'b'.repeat(5000), { masked: true });
    const after = frame(OP_TEXT, '<after/>');
    const all = Buffer.concat([big, after]);
    parser.push(all.subarray(0, 3000), true);
    assert.equal(frames.length, 0);
    assert.ok(parser.midForwardedFrame);
    parser.push(all.subarray(3000), false);
    assert.deepEqual(Buffer.concat(streamed.map((p) => p.bytes)), big);
    assert.equal(frames.length, 2);
    assert.equal(frames[0].payload, undefined);
    assert.equal(frames[0].length, 5000);
    assert.equal(frames[0].raw.length, 0);
    assert.equal(text(frames[1]), '<after/>');
  });

  it('tells whether a partial frame is buffered, and whether its first bytes went out already', () => {
    const { parser } = collect();
    const bytes = frame(OP_TEXT, '<presence/>');
    parser.push(bytes.subarray(0, 4), true);
    assert.equal(parser.idle, false);
    assert.equal(parser.midForwardedFrame, true);
    assert.equal(parser.holdsUnforwarded, false);
    parser.push(bytes.subarray(4, 6), false);
    assert.equal(parser.holdsUnforwarded, true);
    const rest = parser.drain();
    assert.deepEqual(Buffer.concat(rest.map((p) => p.bytes)), bytes.subarray(0, 6));
    assert.ok(parser.idle);
  });

  it('reads 64-bit lengths', () => {
    const { parser, frames } = collect(1 << 20);
    const payload = Buffer.alloc(65_536 + 5, 'q');
    parser.push(encodeFrame(OP_BINARY, payload, false), false);
    assert.equal(frames[0].length, payload.length);
    assert.deepEqual(frames[0].payload, payload);
  });
});
