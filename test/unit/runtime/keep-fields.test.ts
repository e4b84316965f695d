import { describe, expect, it } from "vitest";
import { keepFields } from "../../../src/runtime/keep-fields.js";

describe("keepFields", () => {
  const object = {
    kind: "Build",
    metadata: { name: "b", labels: { a: "1" } },
    spec: { source: { git: { uri: "https://x" } }, output: { to: { name: "s:t" } } },
    status: { phase: "Complete", output: { to: { imageDigest: "sha256:1" } }, stages: [{ name: "x" }] },
  };

  it("keeps the values at the paths, whole, and the objects leading to them; drops the rest", () => {
    const kept = keepFields(object, [
      ["kind"],
      ["metadata"],
      ["status", "phase"],
      ["status", "output", "to", "imageDigest"],
    ]);
    expect(kept).toEqual({
      kind: "Build",
      metadata: { name: "b", labels: { a: "1" } },
      status: { phase: "Complete", output: { to: { imageDigest: "sha256:1" } } },
    });
    expect(kept.metadata).toBe(object.metadata); // kept values are shared, not copied
    expect(kept).not.toHaveProperty("spec");
    expect(kept.status).not.toHaveProperty("stages");
  });

  it("leaves nothing behind for an absent path, or one through a non-object", () => {
    expect(
      keepFields(object, [
        ["status", "output", "from", "digest"],
        ["status", "phase", "length"],
        ["status", "stages", "0"],
        ["nothing"],
        [],
      ]),
    ).toEqual({});
  });

  it("keeps the whole value when one path is a prefix of another, in either order", () => {
    const paths = [["spec"], ["spec", "output", "to"]];
    expect(keepFields(object, paths)).toEqual({ spec: object.spec });
    expect(keepFields(object, [...paths].reverse())).toEqual({ spec: object.spec });
  });

  it("keeps falsy values and does not change its input", () => {
    const input = { status: { cancelled: false, message: "", count: 0, none: null } };
    const before = structuredClone(input);
    expect(
      keepFields(input, [
        ["status", "cancelled"],
        ["status", "message"],
        ["status", "count"],
        ["status", "none"],
      ]),
    ).toEqual(before);
    expect(input).toEqual(before);
  });
});
