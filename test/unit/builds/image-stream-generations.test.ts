import { describe, expect, it } from "vitest";
import {
  STAMPED_TAG_REFERENCES,
  stampSpecTagGenerations,
} from "../../../src/devcluster/builds/image-stream-generations.js";
import type { ImageStreamObject } from "../../../src/devcluster/builds/upstream-objects.js";

type Tag = NonNullable<NonNullable<ImageStreamObject["spec"]>["tags"]>[number];

const tag = (name: string, from: string, generation?: number | null): Tag => ({
  name,
  from: { kind: "DockerImage", name: from },
  ...(generation === undefined ? {} : { generation }),
});

const stream = (
  generation: number,
  tags: Tag[],
  annotations?: Record<string, string>,
): ImageStreamObject => ({
  metadata: {
    name: "release",
    namespace: "ns",
    generation,
    ...(annotations === undefined ? {} : { annotations }),
  },
  spec: { tags },
});

const generations = (s: ImageStreamObject | undefined) =>
  Object.fromEntries((s?.spec?.tags ?? []).map((t) => [t.name, t.generation]));

/** What a CRD server does on a spec write: the new object, with metadata.generation bumped. */
const written = (s: ImageStreamObject): ImageStreamObject => ({
  ...s,
  metadata: { ...s.metadata, generation: (s.metadata.generation ?? 0) + 1 },
});

describe("stampSpecTagGenerations", () => {
  it("leaves a stream alone whose server stamped every tag (the dev cluster, OpenShift)", () => {
    expect(stampSpecTagGenerations(stream(3, [tag("a", "x:1", 1), tag("b", "y:1", 3)]))).toBeUndefined();
    expect(stampSpecTagGenerations(stream(1, []))).toBeUndefined();
  });

  it("stamps unset and zero generations with the stream's generation, as PrepareForCreate and ensureSpecTagGenerationsAreSet do", () => {
    const created = stampSpecTagGenerations(stream(1, [tag("a", "x:1"), tag("b", "y:1", null)]));
    expect(generations(created)).toEqual({ a: 1, b: 1 });
    const reimport = stampSpecTagGenerations(
      stream(4, [tag("a", "x:1", 0), tag("b", "y:1", 1)], created?.metadata.annotations),
    );
    expect(generations(reimport)).toEqual({ a: 4, b: 1 });
  });

  it("is idempotent: once stamped and recorded, nothing more is written", () => {
    const first = stampSpecTagGenerations(stream(1, [tag("a", "x:1")]));
    if (first === undefined) throw new Error("expected a stamp");
    expect(stampSpecTagGenerations(written(first))).toBeUndefined();
  });

  it("restamps a tag whose from changed but kept its generation, and a new tag (tagRefChanged)", () => {
    const first = stampSpecTagGenerations(stream(1, [tag("a", "x:1"), tag("b", "y:1")]));
    if (first === undefined) throw new Error("expected a stamp");
    const stamped = written(first); // generation 2, tags at 1
    const edited: ImageStreamObject = written({
      ...stamped,
      spec: { tags: [tag("a", "x:2", 1), tag("b", "y:1", 1), tag("c", "z:1", 1)] },
    }); // generation 3
    const next = stampSpecTagGenerations(edited);
    expect(generations(next)).toEqual({ a: 3, b: 1, c: 3 });
    expect(JSON.parse(next?.metadata.annotations?.[STAMPED_TAG_REFERENCES] ?? "{}")).toHaveProperty("c");
  });

  it("gives a tag written again without its generation (an annotation change) its generation back: no new import", () => {
    const first = stampSpecTagGenerations(stream(1, [tag("a", "x:1"), tag("b", "y:1")]));
    if (first === undefined) throw new Error("expected a stamp");
    const annotated = written({
      ...written(first),
      spec: {
        tags: [
          { ...tag("a", "x:1"), annotations: { "payload.okd.io/reused-from": "ns/night-4" } },
          tag("b", "y:1", 1),
        ],
      },
    }); // generation 3, a without a generation
    const next = stampSpecTagGenerations(annotated);
    expect(generations(next)).toEqual({ a: 1, b: 1 });
    expect(next?.spec?.tags?.[0]?.annotations).toEqual({ "payload.okd.io/reused-from": "ns/night-4" });
    // ... while one whose from changed in the same kind of write is a new import.
    const moved = stampSpecTagGenerations(
      written({ ...written(first), spec: { tags: [tag("a", "x:2"), tag("b", "y:1", 1)] } }),
    );
    expect(generations(moved)).toEqual({ a: 3, b: 1 });
  });

  it("reads the older annotation form (tag -> reference): an unchanged tag without a generation is stamped anew", () => {
    const legacy = { [STAMPED_TAG_REFERENCES]: JSON.stringify({ a: '["ns","x:1",false]' }) };
    expect(generations(stampSpecTagGenerations(stream(5, [tag("a", "x:1")], legacy)))).toEqual({ a: 5 });
    expect(stampSpecTagGenerations(stream(5, [tag("a", "x:1", 2)], legacy))?.spec?.tags).toEqual([
      tag("a", "x:1", 2),
    ]);
  });

  it("treats a from namespace equal to the stream's as unchanged", () => {
    const first = stampSpecTagGenerations(
      stream(1, [{ name: "a", from: { kind: "ImageStreamTag", name: "other:a" } }]),
    );
    if (first === undefined) throw new Error("expected a stamp");
    const same = written({
      ...first,
      spec: {
        tags: [
          { name: "a", from: { kind: "ImageStreamTag", name: "other:a", namespace: "ns" }, generation: 1 },
        ],
      },
    });
    expect(stampSpecTagGenerations(same)).toBeUndefined();
  });
});
