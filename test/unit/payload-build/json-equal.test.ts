import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { jsonEqual } from "../../../src/payload-build/act-payload-build.js";
import { canonicalJson } from "../../../src/payload-build/input-identity.js";

describe("jsonEqual (the status comparison before a write)", () => {
  it("agrees with comparing canonical JSON", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
        expect(jsonEqual(a, b)).toBe(canonicalJson(a) === canonicalJson(b));
        expect(jsonEqual(a, structuredClone(a))).toBe(true);
      }),
    );
  });

  it("ignores key order and members whose value is undefined", () => {
    expect(jsonEqual({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1, d: undefined })).toBe(true);
    expect(jsonEqual({ a: 1 }, { a: 1, b: null })).toBe(false);
    expect(jsonEqual([1, 2], [2, 1])).toBe(false);
  });
});
