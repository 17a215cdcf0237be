import assert from 'node:assert/strict';
import { FrameStore } from '../../../../src/core/capture/frameStore';
import {
  captureAbrupt,
  captureClose,
  captureInPlace,
  captureMessage,
  captureWireControl,
  captureWireMessage,
  kindOfBytes,
} from '../../../../src/core/proxy/capture';
import { closeRaw, controlPayloadText } from '../../../../src/core/capture/controlText';
import { classifyText } from '../../../../src/core/xmpp/framing';
import { encodeFrame } from '../../../../src/core/proxy/wireFrame';
import { OP_BINARY, OP_CLOSE, OP_PING, OP_PONG, OP_TEXT } from '../../../../src/core/proxy/wireFrame';

describe('proxy capture', () => {
  const store = () => new FrameStore(100);

  it('text messages are classified by their first tag; bytes are the payload size', () => {
    const s = store();
    const open = captureWireMessage(
      s,
      'p',
      'out',
      OP_TEXT,
      Buffer.from('<open xmlns="urn:ietf:params:xml:ns:xmpp-framing"/>'),
      52,
    );
    const stanza = captureWireMessage(s, 'p', 'in', OP_TEXT, Buffer.from('<message>é</message>'), 21);
    const keepalive = captureWireMessage(s, 'p', 'out', OP_TEXT, Buffer.from(' '), 1);
    assert.deepEqual([open.kind, stanza.kind, keepalive.kind], ['open', 'stanza', 'text']);
    assert.equal(stanza.raw, '<message>é</message>');
    assert.equal(stanza.bytes, 21);
    assert.equal(stanza.dir, 'in');
  });

  it('binary as base64; reserved opcodes as binary marked malformed; over-limit messages by size only', () => {
    const s = store();
    const bin = captureWireMessage(s, 'p', 'out', OP_BINARY, Buffer.from([1, 2, 3]), 3);
    assert.deepEqual([bin.kind, bin.raw, bin.bytes, bin.flags.malformed], ['binary', 'AQID', 3, undefined]);
    assert.equal(captureWireMessage(s, 'p', 'out', 0x3, Buffer.from('x'), 1).flags.malformed, true);
    const big = captureWireMessage(s, 'p', 'out', OP_TEXT, undefined, 200_000_000);
    assert.deepEqual([big.kind, big.raw, big.bytes], ['text', '', 200_000_000]);
  });

  it('control frames: ping/pong payload as text (base64 when not UTF-8), close as `code reason`', () => {
    const s = store();
    assert.equal(captureWireControl(s, 'p', 'in', OP_PING, Buffer.from('hb-1')).raw, 'hb-1');
    assert.equal(captureWireControl(s, 'p', 'out', OP_PONG, Buffer.from([0xff, 0x00])).raw, '/wA=');
    assert.equal(
      captureWireControl(s, 'p', 'in', OP_CLOSE, Buffer.from([0x03, 0xe8, ...Buffer.from('Goodbye')])).raw,
      '1000 Goodbye',
    );
    const noCode = captureWireControl(s, 'p', 'in', OP_CLOSE, Buffer.alloc(0));
    assert.deepEqual([noCode.kind, noCode.raw, noCode.bytes], ['closeframe', '1005', 0]);
    assert.equal(captureWireControl(s, 'p', 'in', OP_CLOSE, Buffer.from([3])).flags.malformed, true);
  });

  it('an abrupt end is a closeframe 1006 with no bytes', () => {
    const f = captureAbrupt(store(), 'p', 'out');
    assert.deepEqual([f.kind, f.raw, f.bytes, f.dir], ['closeframe', '1006', 0, 'out']);
  });

  it('ws-event capture (used by replay) keeps its shape', () => {
    const s = store();
    assert.equal(captureMessage(s, 'r', 'in', Buffer.from('<iq/>'), false).kind, 'stanza');
    assert.equal(captureMessage(s, 'r', 'in', Buffer.from([9]), true).raw, 'CQ==');
    const close = captureClose(s, 'r', 'out', 1000, Buffer.from('bye'), { injected: true });
    assert.deepEqual([close.raw, close.bytes, close.flags.injected], ['1000 bye', 5, true]);
    assert.equal(captureClose(s, 'r', 'out', 1006, '').bytes, 0);
  });

  it("kindOfBytes gives classifyText's answer, or leaves the text to it", () => {
    const samples = [
      '<open xmlns="x"/>',
      '<close/>',
      '<opener/>',
      '<closed/>',
      '<message/>',
      '<stream:features/>',
      '<a',
      '<_x/>',
      '<o',
      '<open',
      ' <open/>',
      '<?xml version="1.0"?><open/>',
      '<!-- c --><iq/>',
      'hello',
      '',
      '<',
      '<1a/>',
      '<é/>',
      '<iq-x.y:z/>',
    ];
    for (const text of samples) {
      const bytes = Buffer.from(text);
      const fast = kindOfBytes(bytes, 0, bytes.length);
      if (fast !== undefined) assert.equal(fast, classifyText(text), text);
    }
    assert.equal(kindOfBytes(Buffer.from('xx<open/>'), 2, 9), 'open');
    assert.equal(kindOfBytes(Buffer.from(' <open/>'), 0, 8), undefined);
  });

  it('captureInPlace reads a frame where it lies: same record as the general path, masked or not', () => {
    for (const masked of [false, true]) {
      for (const text of [
        '<open xmlns="urn:ietf:params:xml:ns:xmpp-framing"/>',
        '<message>' + 'é✓'.repeat(3000) + '</message>',
        ' ',
        '<?xml version="1.0"?><iq/>',
      ]) {
        const s = store();
        const bytes = Buffer.concat([Buffer.from('junk'), encodeFrame(OP_TEXT, Buffer.from(text), masked)]);
        const length = Buffer.byteLength(text);
        const head = bytes.length - length;
        const f = captureInPlace(s, 'p', 'out', OP_TEXT, bytes, head, length, masked ? head - 4 : -1);
        const g = captureWireMessage(s, 'p', 'out', OP_TEXT, Buffer.from(text), length);
        assert.deepEqual([f.kind, f.raw, f.bytes], [g.kind, g.raw, g.bytes]);
      }
    }
    const s = store();
    const bin = encodeFrame(OP_BINARY, Buffer.alloc(70_000, 3), true);
    const f = captureInPlace(s, 'p', 'out', OP_BINARY, bin, bin.length - 70_000, 70_000, bin.length - 70_004);
    assert.equal(f.raw, Buffer.alloc(70_000, 3).toString('base64'));
  });

  it('closeRaw and controlPayloadText', () => {
    assert.equal(closeRaw(4000, ''), '4000');
    assert.equal(closeRaw(4000, Buffer.from('x y')), '4000 x y');
    assert.equal(controlPayloadText(Buffer.alloc(0)), '');
  });
});
