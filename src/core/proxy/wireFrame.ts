/**
 * RFC 6455 frame bits the proxy needs itself: unmasking a client's payload for capture, and
 * framing the few frames the proxy originates (an injected or edited stanza, its own close).
 * Forwarded frames are never re-framed: their bytes go through as they came.
 */
import { randomFillSync } from 'node:crypto';
import { endianness } from 'node:os';

export const OP_CONTINUATION = 0x0;
export const OP_TEXT = 0x1;
export const OP_BINARY = 0x2;
export const OP_CLOSE = 0x8;
export const OP_PING = 0x9;
export const OP_PONG = 0xa;

const LITTLE_ENDIAN = endianness() === 'LE';

/**
 * XORs `data` in place with the 4-byte `mask`, byte i with mask[i % 4]. Word at a time where
 * the buffer is aligned (Buffer.allocUnsafe's pool is), which is what keeps capturing the
 * client→server direction cheap.
 */
export function applyMask(data: Buffer, mask: Buffer): void {
  const n = data.length;
  let i = 0;
  if (LITTLE_ENDIAN && n >= 32 && (data.byteOffset & 3) === 0) {
    const words = new Int32Array(data.buffer, data.byteOffset, n >>> 2);
    const m = mask.readInt32LE(0);
    for (let w = 0; w < words.length; w++) words[w] ^= m;
    i = words.length << 2;
  }
  for (; i < n; i++) data[i] ^= mask[i & 3];
}

/**
 * One final frame with the given opcode and payload. Frames towards the server must be masked
 * (RFC 6455 5.3: a fresh, unpredictable key per frame); frames towards the client must not be.
 */
export function encodeFrame(opcode: number, payload: Buffer, masked: boolean): Buffer {
  const n = payload.length;
  const ext = n < 126 ? 0 : n < 65536 ? 2 : 8;
  const head = 2 + ext + (masked ? 4 : 0);
  const out = Buffer.allocUnsafe(head + n);
  out[0] = 0x80 | opcode;
  out[1] = (masked ? 0x80 : 0) | (ext === 0 ? n : ext === 2 ? 126 : 127);
  if (ext === 2) out.writeUInt16BE(n, 2);
  else if (ext === 8) {
    out.writeUInt32BE(Math.floor(n / 2 ** 32), 2);
    out.writeUInt32BE(n >>> 0, 6);
  }
  payload.copy(out, head);
  if (masked) {
    const mask = out.subarray(head - 4, head);
    randomFillSync(mask);
    applyMask(out.subarray(head), mask);
  }
  return out;
}

/** A close frame payload: status code (none for 1005) and reason. */
export function closePayload(code: number, reason = ''): Buffer {
  if (code === 1005) return Buffer.alloc(0);
  const text = Buffer.from(reason);
  const out = Buffer.allocUnsafe(2 + text.length);
  out.writeUInt16BE(code, 0);
  text.copy(out, 2);
  return out;
}

/**
 * Copies `length` payload bytes from `src` at `start` into `dst` (from 0), unmasking them with
 * the key at `src[maskAt..maskAt+4)`. The received bytes are never touched. `words` is an
 * Int32Array over `dst` when the caller keeps one (the capture's scratch buffer).
 */
export function unmaskCopy(
  src: Buffer,
  start: number,
  length: number,
  maskAt: number,
  dst: Buffer,
  words?: Int32Array,
): void {
  src.copy(dst, 0, start, start + length);
  let i = 0;
  if (LITTLE_ENDIAN && length >= 32 && (dst.byteOffset & 3) === 0) {
    const w = words ?? new Int32Array(dst.buffer, dst.byteOffset, length >>> 2);
    const m = src.readInt32LE(maskAt);
    const count = length >>> 2;
    for (let k = 0; k < count; k++) w[k] ^= m;
    i = count << 2;
  }
  for (; i < length; i++) dst[i] ^= src[maskAt + (i & 3)];
}
