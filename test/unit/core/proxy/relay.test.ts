import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import type { Frame } from '../../../../src/core/capture/frame';
import { FrameStore } from '../../../../src/core/capture/frameStore';
import type { FrameGate, GateDecision } from '../../../../src/core/intercept/gate';
import { Relay } from '../../../../src/core/proxy/relay';
import {
  encodeFrame,
  OP_BINARY,
  OP_CLOSE,
  OP_CONTINUATION,
  OP_PING,
  OP_TEXT,
} from '../../../../src/core/proxy/wireFrame';
import { WireFrame, WireParser } from '../../../../src/core/proxy/wireParser';

/** A gate that holds what `decide` says and remembers how to let it go. */
class TestGate implements FrameGate {
  held: { frame: Frame; send: (raw: string) => void }[] = [];
  admitted: Frame[] = [];
  constructor(public decide: (frame: Frame) => GateDecision = () => 'hold') {}
  admit(frame: Frame, send: (raw: string) => void): GateDecision {
    this.admitted.push(frame);
    const d = this.decide(frame);
    if (d === 'hold') this.held.push({ frame, send });
    return d;
  }
}

function frame(opcode: number, payload: string | Buffer, opts: { fin?: boolean; masked?: boolean } = {}): Buffer {
  const bytes = encodeFrame(opcode, Buffer.from(payload), opts.masked ?? true);
  if (opts.fin === false) bytes[0] &= 0x7f;
  return bytes;
}

function setup(opts: { gate?: FrameGate; limit?: number; highWater?: number; destBuffer?: number } = {}) {
  const store = new FrameStore(1000);
  const source = new PassThrough();
  const dest = new PassThrough({ highWaterMark: opts.destBuffer ?? 1 << 20 });
  const gates: { gate: FrameGate | undefined } = { gate: opts.gate };
  const relay = new Relay({
    store,
    session: 's1',
    dir: 'out',
    source,
    dest,
    gates,
    mask: true,
    highWater: opts.highWater ?? 1 << 20,
    limit: opts.limit ?? 1 << 20,
  });
  const captured = () => [...store].map((f) => `${f.kind}:${f.raw}`);
  /** Everything written to the destination so far (it is a PassThrough: read synchronously). */
  const out: Buffer[] = [];
  const written = () => {
    for (let b; (b = dest.read() as Buffer | null);) out.push(b);
    return Buffer.concat(out);
  };
  /** What the destination would parse out of the written bytes. */
  const writtenFrames = () => {
    const frames: WireFrame[] = [];
    new WireParser(
      1 << 30,
      (f) => frames.push(f),
      () => undefined,
    ).push(written(), false);
    return frames.map((f) => `${f.opcode}:${f.payload?.toString()}`);
  };
  return { store, source, dest, gates, relay, captured, written, writtenFrames };
}

const open = frame(OP_TEXT, '<open xmlns="urn:ietf:params:xml:ns:xmpp-framing" to="finesse.test" version="1.0"/>');
const presence = frame(OP_TEXT, '<presence/>');
const message = frame(OP_TEXT, '<message to="a@b"><body>hé ✓</body></message>');
const binary = frame(OP_BINARY, Buffer.from([0, 255, 7]));
const ping = frame(OP_PING, 'keep');

describe('Relay', () => {
  describe('without a gate (streaming)', () => {
    it('forwards exactly the bytes it reads, however they are chunked, and captures each message once', () => {
      const stream = Buffer.concat([
        open,
        ping,
        presence,
        message,
        binary,
        frame(OP_CLOSE, Buffer.from([0x03, 0xe8, 0x62, 0x79, 0x65])),
      ]);
      for (const step of [1, 5, 64, stream.length]) {
        const t = setup();
        for (let i = 0; i < stream.length; i += step) t.relay.push(stream.subarray(i, i + step));
        assert.deepEqual(t.written(), stream, `chunks of ${step}`);
        assert.deepEqual(t.captured(), [
          'open:<open xmlns="urn:ietf:params:xml:ns:xmpp-framing" to="finesse.test" version="1.0"/>',
          'ping:keep',
          'stanza:<presence/>',
          'stanza:<message to="a@b"><body>hé ✓</body></message>',
          'binary:AP8H',
          'closeframe:1000 bye',
        ]);
        assert.equal(t.relay.closeSeen, true);
      }
    });

    it('captures a fragmented message as one frame, and forwards its fragments as they were', () => {
      const t = setup();
      const parts = Buffer.concat([frame(OP_TEXT, '<mess', { fin: false }), ping, frame(OP_CONTINUATION, 'age/>')]);
      t.relay.push(parts);
      assert.deepEqual(t.written(), parts);
      assert.deepEqual(t.captured(), ['ping:keep', 'stanza:<message/>']);
      assert.equal([...t.store][1].bytes, '<message/>'.length);
    });

    it('records malformed input as it is and still forwards it (the endpoint judges)', () => {
      const t = setup();
      const odd = Buffer.concat([
        frame(0x3, 'reserved'),
        frame(OP_TEXT, 'not xml'),
        frame(OP_TEXT, Buffer.from([0x3c, 0xff, 0xfe])),
      ]);
      t.relay.push(odd);
      assert.deepEqual(t.written(), odd);
      const frames = [...t.store];
      assert.deepEqual(
        frames.map((f) => [f.kind, f.flags.malformed === true]),
        [
          ['binary', true],
          ['text', false],
          ['text', false], // '<' then invalid UTF-8: no tag name; the text view marks it malformed
        ],
      );
      assert.equal(frames[2].bytes, 3);
    });

    it('injects only between messages: a frame sent mid-message waits for the message to end', () => {
      const t = setup();
      const first = frame(OP_TEXT, '<a', { fin: false });
      const second = frame(OP_CONTINUATION, '/>');
      t.relay.push(first.subarray(0, 3));
      const injected = t.relay.inject('<presence type="unavailable"/>', { injected: true });
      assert.ok(injected);
      assert.equal(injected.flags.injected, true);
      assert.deepEqual(t.written(), first.subarray(0, 3), 'nothing inserted inside a frame');
      t.relay.push(first.subarray(3));
      assert.deepEqual(t.writtenFrames(), ['1:<a'], 'nor between two fragments of a message');
      t.relay.push(second);
      assert.deepEqual(t.writtenFrames(), ['1:<a', '0:/>', '1:<presence type="unavailable"/>']);
      t.relay.push(presence);
      assert.deepEqual(t.writtenFrames(), ['1:<a', '0:/>', '1:<presence type="unavailable"/>', '1:<presence/>']);
    });

    it('masks what it sends towards the server, with the frame it forwards untouched', () => {
      const t = setup();
      t.relay.inject('<iq/>', {});
      const bytes = t.written();
      assert.equal(bytes[1] & 0x80, 0x80);
      assert.deepEqual(t.writtenFrames(), ['1:<iq/>']);
    });

    it('streams a message over the limit and records its size only', () => {
      const t = setup({ limit: 100 });
      const big = frame(OP_TEXT, '<x>' + 'y'.repeat(500) + '</x>');
      t.relay.push(Buffer.concat([big, presence]));
      assert.deepEqual(t.written(), Buffer.concat([big, presence]));
      const [f] = [...t.store];
      assert.equal(f.raw, '');
      assert.equal(f.bytes, 507);
    });

    it('records what arrives after the other side went away, marked afterClose (not dropped: nobody dropped it)', () => {
      const t = setup();
      t.dest.end();
      t.relay.push(Buffer.concat([presence, ping]));
      assert.deepEqual(
        [...t.store].map((f) => [f.kind, f.flags.afterClose, f.flags.dropped]),
        [
          ['stanza', true, undefined],
          ['ping', true, undefined],
        ],
      );
      const other = setup();
      other.relay.push(presence);
      assert.equal([...other.store][0].flags.afterClose, undefined, 'delivered frames are not marked');
    });

    it('sends nothing more after a close frame went out in its direction', () => {
      const t = setup();
      t.relay.push(frame(OP_CLOSE, Buffer.from([0x03, 0xe8])));
      assert.equal(t.relay.inject('<presence/>', {}), undefined);
      assert.deepEqual(t.writtenFrames(), ['8:\u0003\ufffd']);
    });
  });

  describe('with a gate', () => {
    it("'pass' forwards the original bytes; the frame was captured before the gate saw it", () => {
      const gate = new TestGate(() => 'pass');
      const t = setup({ gate });
      t.relay.push(Buffer.concat([presence, message]));
      assert.deepEqual(t.written(), Buffer.concat([presence, message]));
      assert.deepEqual(
        gate.admitted.map((f) => f.id),
        [1, 2],
      );
      assert.equal(t.store.get(1)?.raw, '<presence/>');
    });

    it("'hold' forwards nothing until the gate sends; unchanged text goes out as the original frame", () => {
      const gate = new TestGate();
      const t = setup({ gate });
      t.relay.push(Buffer.concat([presence, ping]));
      assert.deepEqual(t.written(), ping, 'control frames are not held');
      gate.held[0].send('<presence/>');
      assert.deepEqual(t.written(), Buffer.concat([ping, presence]));
    });

    it('an edited frame goes out as one new frame with the new text (masked towards the server)', () => {
      const gate = new TestGate();
      const t = setup({ gate });
      t.relay.push(Buffer.concat([frame(OP_TEXT, '<pres', { fin: false }), frame(OP_CONTINUATION, 'ence/>')]));
      assert.equal(gate.held[0].frame.raw, '<presence/>');
      gate.held[0].send('<presence type="away"/>');
      assert.deepEqual(t.writtenFrames(), ['1:<presence type="away"/>']);
      assert.equal(t.written()[1] & 0x80, 0x80);
    });

    it('an edited binary frame is sent from its base64 text', () => {
      const gate = new TestGate();
      const t = setup({ gate });
      t.relay.push(binary);
      gate.held[0].send(Buffer.from([1, 2, 3]).toString('base64'));
      assert.deepEqual(t.writtenFrames(), ['2:\u0001\u0002\u0003']);
    });

    it('a dropped frame never goes out; the next one does', () => {
      const gate = new TestGate((f) => (f.raw === '<presence/>' ? 'hold' : 'pass'));
      const t = setup({ gate });
      t.relay.push(Buffer.concat([presence, message]));
      assert.deepEqual(t.written(), message);
    });

    it('a gate set in the middle of a streamed frame lets that frame finish as it started', () => {
      const gate = new TestGate();
      const t = setup();
      t.relay.push(message.subarray(0, 10));
      t.gates.gate = gate;
      t.relay.push(Buffer.concat([message.subarray(10), presence]));
      assert.deepEqual(t.written(), message, 'the started frame completed, once; the next is held');
      assert.deepEqual(
        gate.admitted.map((f) => f.raw),
        ['<presence/>'],
      );
      gate.held[0].send('<presence/>');
      assert.deepEqual(t.written(), Buffer.concat([message, presence]));
    });

    it('a gate removed while a message is buffered still sends it before streaming again', () => {
      const gate = new TestGate(() => 'pass');
      const t = setup({ gate });
      t.relay.push(presence.subarray(0, 5));
      t.gates.gate = undefined;
      t.relay.push(Buffer.concat([presence.subarray(5), message]));
      assert.deepEqual(t.written(), Buffer.concat([presence, message]));
    });

    it('at the end of the stream, forwards a partial frame as received, then ends', () => {
      const t = setup({ gate: new TestGate() });
      t.relay.push(presence.subarray(0, 4));
      assert.equal(t.written().length, 0, 'held back while incomplete (frame by frame)');
      t.relay.end();
      assert.deepEqual(t.written(), presence.subarray(0, 4));
      assert.equal(t.dest.writableEnded, true);
    });

    it('a held frame released after the close went out is not sent (nothing may follow a close)', () => {
      const gate = new TestGate((f) => (f.kind === 'stanza' ? 'hold' : 'pass'));
      const t = setup({ gate });
      t.relay.push(Buffer.concat([presence, frame(OP_CLOSE, '')]));
      gate.held[0].send('<presence/>');
      assert.deepEqual(t.writtenFrames(), ['8:']);
    });
  });

  it('pauses a source whose destination is not reading, and resumes it when that drains', () => {
    const t = setup({ highWater: 1000, destBuffer: 1024 });
    t.source.resume();
    for (let i = 0; i < 200 && !t.source.isPaused(); i++) t.relay.push(message);
    assert.equal(t.source.isPaused(), true);
    assert.ok(t.dest.writableLength > 1000);
    const drained = new Promise<void>((resolve) => t.dest.once('drain', () => resolve()));
    t.written();
    return drained.then(() => assert.equal(t.source.isPaused(), false));
  });
});
