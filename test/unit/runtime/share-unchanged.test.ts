import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { shareUnchanged } from "../../../src/runtime/share-unchanged.js";

describe("shareUnchanged", () => {
  const previous = {
    metadata: { name: "release", resourceVersion: "1", labels: { a: "1" } },
    status: {
      tags: [
        { tag: "a", items: [{ image: "sha256:1" }] },
        { tag: "b", items: [{ image: "sha256:2" }] },
      ],
    },
  };

  it("keeps the previous version's unchanged subtrees and the new values elsewhere", () => {
    const next = structuredClone(previous);
    next.metadata.resourceVersion = "2";
    next.status.tags[1] = { tag: "b", items: [{ image: "sha256:3" }] };
    const shared = shareUnchanged(previous, next);
    expect(shared).toEqual(next);
    expect(shared.metadata.labels).toBe(previous.metadata.labels);
    expect(shared.status.tags[0]).toBe(previous.status.tags[0]);
    expect(shared.status.tags[1]).not.toBe(previous.status.tags[1]);
    expect(shared.status.tags[1]).toEqual({ tag: "b", items: [{ image: "sha256:3" }] });
    expect(previous.metadata.resourceVersion).toBe("1"); // neither input changes
  });

  it("returns the previous version when equal, and the new one when there is nothing to share", () => {
    expect(shareUnchanged(previous, structuredClone(previous))).toBe(previous);
    const next = { other: true };
    expect(shareUnchanged(undefined, next)).toBe(next);
    expect(shareUnchanged([1], next)).toEqual(next);
  });

  it("tells added, removed and reordered members and elements apart", () => {
    expect(shareUnchanged({ a: 1 }, { a: 1, b: 2 })).toEqual({ a: 1, b: 2 });
    expect(shareUnchanged({ a: 1, b: 2 }, { a: 1 })).toEqual({ a: 1 });
    expect(shareUnchanged({ a: 1, b: undefined }, { a: 1, c: undefined })).toEqual({ a: 1, c: undefined });
    expect(shareUnchanged([1, 2, 3], [1, 2])).toEqual([1, 2]);
    expect(shareUnchanged([1, 2], [2, 1])).toEqual([2, 1]);
    expect(shareUnchanged({ a: [1] }, { a: { 0: 1 } })).toEqual({ a: { 0: 1 } });
  });

  it("always returns a value deep-equal to the new version", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
        expect(shareUnchanged(a, b)).toStrictEqual(b);
        expect(shareUnchanged(a, structuredClone(a))).toStrictEqual(a);
      }),
    );
  });
});
