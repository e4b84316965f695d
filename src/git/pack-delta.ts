/**
 * Pure: applies a git delta (gitformat-pack, "Deltified representation") to its base object. A
 * delta is the base's size and the result's size (little-endian base-128 varints), then
 * instructions: a byte with the high bit set copies a range of the base (offset and size bytes
 * present per the low 7 bits; size 0 means 0x10000), a byte 1..127 inserts that many literal bytes,
 * 0 is reserved.
 */
import { GitProtocolError } from "./pkt-line.js";

function readSize(delta: Uint8Array, start: number): { value: number; next: number } {
  let value = 0;
  let shift = 0;
  let offset = start;
  for (;;) {
    const byte = delta[offset++];
    if (byte === undefined) throw new GitProtocolError("delta truncated in its size header");
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if ((byte & 0x80) === 0) return { value, next: offset };
  }
}

/**
 * The object `delta` describes against `base`. Throws {@link GitProtocolError} on a malformed delta or
 * one whose result would exceed `maxResultBytes`.
 */
export function applyDelta(
  base: Uint8Array,
  delta: Uint8Array,
  maxResultBytes = 256 * 1024 * 1024,
): Uint8Array {
  const baseSize = readSize(delta, 0);
  if (baseSize.value !== base.length) {
    throw new GitProtocolError(
      `delta expects a base of ${baseSize.value} bytes, the base has ${base.length}`,
    );
  }
  const resultSize = readSize(delta, baseSize.next);
  if (resultSize.value > maxResultBytes)
    throw new GitProtocolError(`delta result of ${resultSize.value} bytes is over ${maxResultBytes}`);
  const out = new Uint8Array(resultSize.value);
  let written = 0;
  let at = resultSize.next;
  while (at < delta.length) {
    const op = delta[at++] ?? 0;
    if ((op & 0x80) !== 0) {
      let offset = 0;
      let size = 0;
      for (let i = 0; i < 4; i++) if ((op & (1 << i)) !== 0) offset += (delta[at++] ?? 0) * 2 ** (8 * i);
      for (let i = 0; i < 3; i++) if ((op & (0x10 << i)) !== 0) size += (delta[at++] ?? 0) * 2 ** (8 * i);
      if (size === 0) size = 0x10000;
      if (offset + size > base.length || written + size > out.length) {
        throw new GitProtocolError(`delta copies ${size} bytes at ${offset} beyond its base or result`);
      }
      out.set(base.subarray(offset, offset + size), written);
      written += size;
    } else if (op !== 0) {
      if (at + op > delta.length || written + op > out.length) {
        throw new GitProtocolError(`delta inserts ${op} bytes beyond its end or its result`);
      }
      out.set(delta.subarray(at, at + op), written);
      written += op;
      at += op;
    } else {
      throw new GitProtocolError("delta has the reserved instruction 0");
    }
  }
  if (written !== out.length) {
    throw new GitProtocolError(`delta produced ${written} bytes, its header says ${out.length}`);
  }
  return out;
}
