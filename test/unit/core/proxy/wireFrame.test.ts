import assert from 'node:assert/strict';
import {
  applyMask,
  closePayload,
  encodeFrame,
  OP_BINARY,
  OP_CLOSE,
  OP_TEXT,
} from '../../../../src/core/proxy/wireFrame';
import { WireFrame, WireParser } from '../../../../src/core/proxy/wireParser';

function naiveMask(data: Buffer, mask: Buffer): Buffer {
  return Buffer.from(data.map((b, i) => b ^ mask[i & 3]));
}

function parseAll(bytes: Buffer): WireFrame[] {
  const frames: WireFrame[] = [];
  new WireParser(
    1 << 30,
    (f) => frames.push(f),
    () => assert.fail('nothing is over the limit'),
  ).push(bytes, false);
  return frames;
}

describe('wireFrame', () => {
  it('applyMask equals the byte-wise XOR, aligned or not, for every length around the word size', () => {
    const mask = Buffer.from([0x12, 0x34, 0x56, 0x78]);
    const pool = Buffer.alloc(300);
    for (let i = 0; i < pool.length; i++) pool[i] = (i * 7 + 3) & 0xff;
    for (const offset of [0, 1, 2, 3, 4]) {
      for (let n = 0; n < 80; n++) {
        const data = Buffer.from(pool.subarray(offset, offset + n));
        const view = Buffer.alloc(n + offset).subarray(offset); // misaligned when offset is not 0 mod 4
        data.copy(view);
        const expected = naiveMask(data, mask);
        applyMask(view, mask);
        assert.deepEqual(view, expected, `offset ${offset} length ${n}`);
      }
    }
  });

  it('masking twice gives the data back', () => {
    const data = Buffer.from('<presence/>'.repeat(40));
    const copy = Buffer.from(data);
    const mask = Buffer.from([1, 2, 3, 250]);
    applyMask(copy, mask);
    assert.notDeepEqual(copy, data);
    applyMask(copy, mask);
    assert.deepEqual(copy, data);
  });

  for (const size of [0, 1, 125, 126, 65535, 65536, 70000]) {
    for (const masked of [false, true]) {
      it(`encodes a ${size}-byte ${masked ? 'masked' : 'unmasked'} frame that parses back to the same payload`, () => {
        const payload = Buffer.alloc(size, 'x');
        if (size) payload[size - 1] = 0x7a;
        const bytes = encodeFrame(OP_BINARY, payload, masked);
        assert.equal(bytes[0], 0x80 | OP_BINARY);
        assert.equal((bytes[1] & 0x80) !== 0, masked);
        const [frame, ...rest] = parseAll(bytes);
        assert.equal(rest.length, 0);
        assert.equal(frame.fin, true);
        assert.equal(frame.opcode, OP_BINARY);
        assert.equal(frame.length, size);
        assert.equal(frame.wireBytes, bytes.length);
        assert.deepEqual(frame.payload, payload);
      });
    }
  }

  it('uses a fresh masking key per frame', () => {
    const payload = Buffer.from('<iq/>');
    const keys = new Set<string>();
    for (let i = 0; i < 20; i++) keys.add(encodeFrame(OP_TEXT, payload, true).subarray(2, 6).toString('hex'));
    assert.ok(keys.size > 15);
  });

  it('close payloads: code and reason, or nothing for 1005', () => {
    assert.deepEqual(closePayload(1000, 'bye'), Buffer.from([0x03, 0xe8, 0x62, 0x79, 0x65]));
    assert.deepEqual(closePayload(4000), Buffer.from([0x0f, 0xa0]));
    assert.equal(closePayload(1005, 'ignored').length, 0);
    const [frame] = parseAll(encodeFrame(OP_CLOSE, closePayload(1001, 'going'), false));
    assert.equal(frame.opcode, OP_CLOSE);
    assert.equal(frame.payload?.readUInt16BE(0), 1001);
    assert.equal(frame.payload?.subarray(2).toString(), 'going');
  });
});
