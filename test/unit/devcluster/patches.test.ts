import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { applyMergePatch } from "../../../src/devcluster/merge-patch.js";
import { applyStrategicMergePatch } from "../../../src/devcluster/strategic-merge-patch.js";
import type { JsonValue } from "../../../src/devcluster/types.js";

describe("JSON merge patch (RFC 7386)", () => {
  it.each<[JsonValue, JsonValue, JsonValue]>([
    [{ a: "b" }, { a: "c" }, { a: "c" }],
    [{ a: "b" }, { b: "c" }, { a: "b", b: "c" }],
    [{ a: "b" }, { a: null }, {}],
    [{ a: ["b"] }, { a: "c" }, { a: "c" }],
    [{ a: { b: "c" } }, { a: { b: "d", c: null } }, { a: { b: "d" } }],
    [{ a: [{ b: "c" }] }, { a: [1] }, { a: [1] }],
    [
      ["a", "b"],
      ["c", "d"],
      ["c", "d"],
    ],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
  ])("%j + %j = %j", (target, patch, expected) => {
    expect(applyMergePatch(target, patch)).toEqual(expected);
  });

  it("never mutates its inputs and is idempotent", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (target, patch) => {
        const t = structuredClone(target);
        const p = structuredClone(patch);
        const once = applyMergePatch(t as JsonValue, p as JsonValue);
        expect(t).toEqual(target);
        expect(p).toEqual(patch);
        expect(applyMergePatch(once, p as JsonValue)).toEqual(once);
      }),
    );
  });
});

describe("strategic merge patch", () => {
  const pod = {
    spec: {
      containers: [
        { name: "a", image: "one", env: [{ name: "X", value: "1" }] },
        { name: "b", image: "two" },
      ],
      tolerations: [{ key: "k" }],
    },
    metadata: { finalizers: ["f1"], ownerReferences: [{ uid: "u1", name: "o" }] },
  };

  it("merges lists by merge key, deletes with $patch, replaces lists without a key", () => {
    const out = applyStrategicMergePatch(pod, {
      spec: {
        containers: [
          { name: "a", env: [{ name: "Y", value: "2" }] },
          { name: "b", $patch: "delete" },
          { name: "c", image: "three" },
        ],
        tolerations: [{ key: "z" }],
      },
    });
    expect(out).toEqual({
      spec: {
        containers: [
          {
            name: "a",
            image: "one",
            // No $setElementOrder: the patch's items first, then those only the target had (as
            // kube-apiserver orders them).
            env: [
              { name: "Y", value: "2" },
              { name: "X", value: "1" },
            ],
          },
          { name: "c", image: "three" },
        ],
        tolerations: [{ key: "z" }],
      },
      metadata: pod.metadata,
    });
  });

  it("honours $setElementOrder, $deleteFromPrimitiveList, primitive merge lists and $patch: replace", () => {
    const ordered = applyStrategicMergePatch(pod, {
      spec: {
        "$setElementOrder/containers": [{ name: "b" }, { name: "a" }],
        containers: [{ name: "a", image: "new" }],
      },
    }) as {
      spec: { containers: { name: string; image: string }[] };
    };
    expect(ordered.spec.containers.map((c) => `${c.name}:${c.image}`)).toEqual(["b:two", "a:new"]);
    const fin = applyStrategicMergePatch(pod, { metadata: { finalizers: ["f2"] } }) as {
      metadata: { finalizers: string[] };
    };
    expect(fin.metadata.finalizers).toEqual(["f1", "f2"]);
    const removed = applyStrategicMergePatch(pod, {
      metadata: { "$deleteFromPrimitiveList/finalizers": ["f1"] },
    }) as { metadata: { finalizers: string[] } };
    expect(removed.metadata.finalizers).toEqual([]);
    const replaced = applyStrategicMergePatch(pod, { spec: { $patch: "replace", containers: [] } });
    expect(replaced).toEqual({ spec: { containers: [] }, metadata: pod.metadata });
  });

  it("refuses merge-key lists whose items lack the key", () => {
    expect(() => applyStrategicMergePatch(pod, { spec: { containers: [{ image: "x" }] } })).toThrow(
      /merge key: name/,
    );
  });
});
