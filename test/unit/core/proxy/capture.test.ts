import assert from 'node:assert/strict';
import { FrameStore } from '../../../../src/core/capture/frameStore';
import { captureAbrupt, captureClose, captureMessage, captureWireControl, captureWireMessage, closeRaw, controlPayloadText } from '../../../../src/core/proxy/capture';
import { OP_BINARY, OP_CLOSE, OP_PING, OP_PONG, OP_TEXT } from '../../../../src/core/proxy/wireFrame';

describe('proxy capture', () => {
  const store = () => new FrameStore(100);

  it('text messages are classified by their first tag; bytes are the payload size', () => {
    const s = store();
    const open = captureWireMessage(s, 'p', 'out', OP_TEXT, Buffer.from('<open xmlns="urn:ietf:params:xml:ns:xmpp-framing"/>'), 52);
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
    assert.equal(captureWireControl(s, 'p', 'in', OP_CLOSE, Buffer.from([0x03, 0xe8, ...Buffer.from('Goodbye')])).raw, '1000 Goodbye');
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

  it('closeRaw and controlPayloadText', () => {
    assert.equal(closeRaw(4000, ''), '4000');
    assert.equal(closeRaw(4000, Buffer.from('x y')), '4000 x y');
    assert.equal(controlPayloadText(Buffer.alloc(0)), '');
  });
});
