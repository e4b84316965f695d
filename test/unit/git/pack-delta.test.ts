import { describe, expect, it } from "vitest";
import { applyDelta } from "../../../src/git/pack-delta.js";

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

/** git's delta size header: little-endian base-128. */
function varint(n: number): number[] {
  const out: number[] = [];
  for (let v = n; ; v = Math.floor(v / 128)) {
    if (v < 128) return [...out, v];
    out.push(0x80 | (v & 0x7f));
  }
}

describe("applyDelta", () => {
  const base = text("tree 1234\nauthor A\n\nfirst subject\n");

  it("copies ranges of the base and inserts literal bytes", () => {
    // result = base[0..20] + "second subject\n": size header, copy (offset 0, size 20), insert 15.
    const insert = text("second subject\n");
    const delta = Uint8Array.from([base.length, 20 + insert.length, 0x90, 20, insert.length, ...insert]);
    expect(new TextDecoder().decode(applyDelta(base, delta))).toBe("tree 1234\nauthor A\n\nsecond subject\n");
  });

  it("reads multi-byte offsets and sizes, and size 0 as 0x10000", () => {
    const big = new Uint8Array(0x10000 + 300).map((_, i) => i % 251);
    // copy offset 300 (two offset bytes), size 0x10000 (no size byte).
    const delta = Uint8Array.from([...varint(big.length), ...varint(0x10000), 0x83, 0x2c, 0x01]);
    const out = applyDelta(big, delta);
    expect(out.length).toBe(0x10000);
    expect(out[0]).toBe(big[300]);
    expect(out[0xffff]).toBe(big[300 + 0xffff]);
  });

  it("refuses a delta for another base, a copy beyond the base, and the reserved instruction", () => {
    expect(() => applyDelta(base, Uint8Array.from([base.length + 1, 1, 1, 65]))).toThrow(
      /expects a base of 35 bytes, the base has 34/,
    );
    expect(() => applyDelta(base, Uint8Array.from([base.length, 10, 0x91, 30, 10]))).toThrow(
      /beyond its base/,
    );
    expect(() => applyDelta(base, Uint8Array.from([base.length, 1, 0]))).toThrow(/reserved instruction/);
    expect(() => applyDelta(base, Uint8Array.from([base.length, 5, 1, 65]))).toThrow(/produced 1 bytes/);
    expect(() => applyDelta(base, Uint8Array.from([base.length, ...varint(2 ** 40), 1, 65]))).toThrow(
      /delta result of 1099511627776 bytes is over/,
    );
  });
});
