/**
 * Frame capture, shared by the transports: from parsed wire frames (the proxy) and from ws
 * events (the replay client/server). Cheap by design: a frame is classified by its first tag
 * only; the proxy's frames keep their payload bytes and are decoded to text (binary as base64)
 * when first read (capture/lazyFrame.ts); the full parse happens later, lazily, in
 * capture/frameView.ts. The forwarded bytes are never touched here.
 */
import type { Direction, Frame, FrameFlags } from '../capture/frame';
import { closeRaw, controlPayloadText } from '../capture/controlText';
import type { FrameStore } from '../capture/frameStore';
import { classifyText } from '../xmpp/framing';
import type { FrameKind } from '../capture/frame';
import { OP_BINARY, OP_CLOSE, OP_PING, OP_PONG, OP_TEXT, unmaskCopy } from './wireFrame';

/** Status codes ws reports for a close frame without a code / no close frame at all. */
const NO_STATUS = 1005;
const ABNORMAL = 1006;

/**
 * A complete data message (text, binary, or a reserved data opcode, kept as binary and marked
 * malformed). `payload` is undefined when the message was over the capture limit: it was
 * forwarded but only its size is recorded. The payload (never written to again) is kept and
 * decoded when the frame's text is first read.
 */
export function captureWireMessage(
  store: FrameStore,
  session: string,
  dir: Direction,
  opcode: number,
  payload: Buffer | undefined,
  bytes: number,
  flags?: FrameFlags,
): Frame {
  if (opcode === OP_TEXT) {
    if (!payload) return store.append({ session, dir, kind: 'text', raw: '', bytes, flags: flags && { ...flags } });
    const kind = kindOfBytes(payload, 0, payload.length);
    if (kind === undefined) {
      const raw = payload.toString();
      return store.append({ session, dir, kind: classifyText(raw), raw, bytes, flags: flags && { ...flags } });
    }
    return store.appendLazy(
      { session, dir, kind, bytes, flags: flags && { ...flags } },
      payload,
      0,
      payload.length,
      UTF8,
    );
  }
  const own = { ...flags, ...(opcode === OP_BINARY ? {} : { malformed: true }) };
  if (!payload) return store.append({ session, dir, kind: 'binary', raw: '', bytes, flags: own });
  return store.appendLazy({ session, dir, kind: 'binary', bytes, flags: own }, payload, 0, payload.length, BASE64);
}

/** Unmasking space for decoding a client's frame: messages up to its size make no garbage but their text. */
const SCRATCH = Buffer.allocUnsafeSlow(64 * 1024);
const SCRATCH_WORDS = new Int32Array(SCRATCH.buffer, SCRATCH.byteOffset, SCRATCH.length >>> 2);
/** Enough of a masked payload's start for kindOfBytes: a tag name this long is a stanza anyway. */
const HEAD = 16;

/** [start, end) of `buf` is the 4-byte masking key followed by the masked payload, as received. */
function unmasked(buf: Buffer, start: number, end: number, encoding: 'utf8' | 'base64'): string {
  const length = end - start - 4;
  const small = length <= SCRATCH.length;
  const out = small ? SCRATCH : Buffer.allocUnsafe(length);
  unmaskCopy(buf, start + 4, length, start, out, small ? SCRATCH_WORDS : undefined);
  return out.toString(encoding, 0, length);
}

const UTF8 = (buf: Buffer, start: number, end: number) => buf.toString('utf8', start, end);
const BASE64 = (buf: Buffer, start: number, end: number) => buf.toString('base64', start, end);
const MASKED_UTF8 = (buf: Buffer, start: number, end: number) => unmasked(buf, start, end, 'utf8');
const MASKED_BASE64 = (buf: Buffer, start: number, end: number) => unmasked(buf, start, end, 'base64');

/**
 * The hot path: one whole, final text or binary frame read in place from a forwarded chunk
 * (payload at [start, start+length), masking key at maskAt or -1, right before the payload).
 * Nothing is copied or decoded: the frame keeps the chunk and where its bytes are in it (from
 * the key when masked) and is decoded when first read; only the kind is read now, from the
 * first bytes.
 */
export function captureInPlace(
  store: FrameStore,
  session: string,
  dir: Direction,
  opcode: number,
  chunk: Buffer,
  start: number,
  length: number,
  maskAt: number,
  flags?: FrameFlags,
  t?: number,
): Frame {
  const masked = maskAt >= 0;
  const from = masked ? maskAt : start;
  const end = start + length;
  if (opcode === OP_BINARY)
    return store.appendLazy(
      { session, dir, t, kind: 'binary', bytes: length, flags: flags && { ...flags } },
      chunk,
      from,
      end,
      masked ? MASKED_BASE64 : BASE64,
    );
  let kind: FrameKind | undefined;
  if (masked) {
    const n = Math.min(length, HEAD);
    unmaskCopy(chunk, start, n, maskAt, SCRATCH);
    kind = kindOfBytes(SCRATCH, 0, n);
  } else {
    kind = kindOfBytes(chunk, start, end);
  }
  if (kind === undefined) {
    // Not `<name…`: classifyText decides from the text, which is then decoded now.
    const raw = masked ? unmasked(chunk, from, end, 'utf8') : chunk.toString('utf8', start, end);
    return store.append({ session, dir, t, kind: classifyText(raw), raw, bytes: length, flags: flags && { ...flags } });
  }
  return store.appendLazy(
    { session, dir, t, kind, bytes: length, flags: flags && { ...flags } },
    chunk,
    from,
    end,
    masked ? MASKED_UTF8 : UTF8,
  );
}

/**
 * classifyText's answer read from the bytes, for the usual frame that starts with `<name`;
 * undefined for anything else (leading space, declarations, comments, not XML), which
 * classifyText then decides from the text.
 */
export function kindOfBytes(buf: Buffer, start: number, end: number): FrameKind | undefined {
  if (end - start < 2 || buf[start] !== 0x3c || !isNameStart(buf[start + 1])) return undefined;
  let i = start + 2;
  while (i < end && isNameChar(buf[i])) i++;
  const n = i - start - 1;
  if (
    n === 4 &&
    buf[start + 1] === 0x6f &&
    buf[start + 2] === 0x70 &&
    buf[start + 3] === 0x65 &&
    buf[start + 4] === 0x6e
  )
    return 'open';
  if (
    n === 5 &&
    buf[start + 1] === 0x63 &&
    buf[start + 2] === 0x6c &&
    buf[start + 3] === 0x6f &&
    buf[start + 4] === 0x73 &&
    buf[start + 5] === 0x65
  )
    return 'close';
  return 'stanza';
}

/** [A-Za-z_] */
const isNameStart = (c: number) => (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f;
/** [A-Za-z0-9_.:-] as in framing.ts's tag name */
const isNameChar = (c: number) => isNameStart(c) || (c >= 0x30 && c <= 0x3a) || c === 0x2e || c === 0x2d;

/** A ping, pong or close frame as received (other control opcodes: binary, malformed). */
export function captureWireControl(
  store: FrameStore,
  session: string,
  dir: Direction,
  opcode: number,
  payload: Buffer,
  flags?: FrameFlags,
): Frame {
  const bytes = payload.length;
  const own = flags && { ...flags };
  if (opcode === OP_PING || opcode === OP_PONG) {
    return store.append({
      session,
      dir,
      kind: opcode === OP_PING ? 'ping' : 'pong',
      raw: controlPayloadText(payload),
      bytes,
      flags: own,
    });
  }
  if (opcode === OP_CLOSE) {
    if (bytes === 0)
      return store.append({ session, dir, kind: 'closeframe', raw: String(NO_STATUS), bytes, flags: own });
    if (bytes >= 2)
      return store.append({
        session,
        dir,
        kind: 'closeframe',
        raw: closeRaw(payload.readUInt16BE(0), payload.subarray(2)),
        bytes,
        flags: own,
      });
    return store.append({
      session,
      dir,
      kind: 'closeframe',
      raw: payload.toString('base64'),
      bytes,
      flags: { ...flags, malformed: true },
    });
  }
  return store.append({
    session,
    dir,
    kind: 'binary',
    raw: payload.toString('base64'),
    bytes,
    flags: { ...flags, malformed: true },
  });
}

/**
 * The connection ended without a close frame from this side. Nothing crossed the wire, but the
 * frame list must show that and how the connection ended: recorded as ws reports it, `1006`.
 */
export function captureAbrupt(store: FrameStore, session: string, dir: Direction): Frame {
  return store.append({ session, dir, kind: 'closeframe', raw: String(ABNORMAL), bytes: 0 });
}

/** A text or binary message as ws delivers it (a Buffer plus `isBinary`). */
export function captureMessage(
  store: FrameStore,
  session: string,
  dir: Direction,
  data: Buffer,
  isBinary: boolean,
  flags?: FrameFlags,
): Frame {
  if (isBinary)
    return store.append({ session, dir, kind: 'binary', raw: data.toString('base64'), bytes: data.length, flags });
  const raw = data.toString();
  return store.append({ session, dir, kind: classifyText(raw), raw, bytes: data.length, flags });
}

/**
 * A close frame given as ws reports it (code, reason), e.g. one a transport sent itself
 * (flags.injected). 1005/1006 carry no bytes: no status code / no close frame at all.
 */
export function captureClose(
  store: FrameStore,
  session: string,
  dir: Direction,
  code: number,
  reason: Buffer | string,
  flags?: FrameFlags,
): Frame {
  const bytes = code === NO_STATUS || code === ABNORMAL ? 0 : 2 + Buffer.byteLength(reason);
  return store.append({ session, dir, kind: 'closeframe', raw: closeRaw(code, reason), bytes, flags });
}
