import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  compareReleaseNamesNewestFirst,
  compareVersions,
  parseVersion,
  parseVersionRange,
} from "../../../src/web/semver-range.js";

const v = (s: string) => {
  const parsed = parseVersion(s);
  if (parsed === undefined) throw new Error(s);
  return parsed;
};

describe("semver ranges (blang syntax, as release-controller's in=)", () => {
  it("orders nightly names by their timestamp and a release after its pre-releases", () => {
    const names = [
      "4.17.0-0.okd-2026-12-01-100000",
      "4.17.0",
      "4.17.0-0.okd-2026-12-02-090000",
      "4.16.9",
      "not-a-version",
    ];
    expect([...names].sort(compareReleaseNamesNewestFirst)).toEqual([
      "4.17.0",
      "4.17.0-0.okd-2026-12-02-090000",
      "4.17.0-0.okd-2026-12-01-100000",
      "4.16.9",
      "not-a-version",
    ]);
  });

  it("ANDs space-separated comparisons and ORs ||", () => {
    const r = parseVersionRange(">4.17.0-0 <4.18.0-0 || 4.15.3");
    expect(r(v("4.17.0-0.okd-2026-12-01-100000"))).toBe(true);
    expect(r(v("4.18.0-0.okd-2026-12-01-100000"))).toBe(false);
    expect(r(v("4.15.3"))).toBe(true);
    expect(r(v("4.16.0"))).toBe(false);
    expect(() => parseVersionRange(">= banana")).toThrow(/">=banana" is not a comparison/);
  });

  it("compareVersions is antisymmetric", () => {
    const version = fc
      .tuple(
        fc.nat(5),
        fc.nat(5),
        fc.nat(5),
        fc.array(fc.oneof(fc.nat(3), fc.constantFrom("a", "okd", "rc")), { maxLength: 3 }),
      )
      .map(([a, b, c, pre]) => `${a}.${b}.${c}${pre.length === 0 ? "" : `-${pre.join(".")}`}`);
    fc.assert(
      fc.property(
        version,
        version,
        (a, b) => Math.sign(compareVersions(v(a), v(b))) === -Math.sign(compareVersions(v(b), v(a))),
      ),
    );
  });
});
