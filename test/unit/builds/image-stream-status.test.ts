import { describe, expect, it } from "vitest";
import {
  imageStreamSchema,
  type ImageStreamObject,
} from "../../../src/devcluster/builds/upstream-objects.js";
import {
  MAX_TAG_ITEMS,
  needsImport,
  resolveLatestTaggedImage,
  statusWithImportFailure,
  statusWithOwnImages,
  statusWithTagEvent,
} from "../../../src/devcluster/builds/image-stream-status.js";

const repo = "127.0.0.1:5000/ns/release";
const digest = (n: number) => `sha256:${String(n).padStart(64, "0")}`;
const event = (n: number, generation = 1) => ({
  created: "2026-01-01T00:00:00Z",
  dockerImageReference: `${repo}@${digest(n)}`,
  image: digest(n),
  generation,
});
const stream = (o: Partial<ImageStreamObject> = {}): ImageStreamObject => ({
  metadata: { name: "release", namespace: "ns", generation: 1 },
  ...o,
});

describe("statusWithTagEvent", () => {
  it("puts the newest event first, keeps tags sorted and sets both repositories", () => {
    let s = stream();
    s = { ...s, status: statusWithTagEvent(s, repo, "b", event(1)) };
    s = { ...s, status: statusWithTagEvent(s, repo, "a", event(2)) };
    s = { ...s, status: statusWithTagEvent(s, repo, "b", event(3)) };
    expect(s.status?.tags?.map((t) => t.tag)).toEqual(["a", "b"]);
    expect(s.status?.tags?.[1]?.items?.map((i) => i.image)).toEqual([digest(3), digest(1)]);
    expect(s.status?.dockerImageRepository).toBe(repo);
    expect(s.status?.publicDockerImageRepository).toBe(repo);
  });

  it("is idempotent for the same image and generation, and bounded in history", () => {
    let s = stream();
    for (let i = 0; i < 3; i += 1) s = { ...s, status: statusWithTagEvent(s, repo, "a", event(1)) };
    expect(s.status?.tags?.[0]?.items).toHaveLength(1);
    for (let i = 2; i < 30; i += 1) s = { ...s, status: statusWithTagEvent(s, repo, "a", event(i)) };
    expect(s.status?.tags?.[0]?.items).toHaveLength(MAX_TAG_ITEMS);
  });

  it("clears a failed import once an image lands", () => {
    let s = stream();
    s = {
      ...s,
      status: statusWithImportFailure(s, repo, "a", {
        reason: "NotFound",
        message: "m",
        generation: 1,
        now: "t",
      }),
    };
    expect(s.status?.tags?.[0]?.conditions?.[0]).toMatchObject({ type: "ImportSuccess", status: "False" });
    s = { ...s, status: statusWithTagEvent(s, repo, "a", event(1)) };
    expect(s.status?.tags?.[0]?.conditions ?? []).toEqual([]);
  });
});

describe("imports", () => {
  it("needs an import until an item of the spec tag's generation landed or its import failed", () => {
    const s = stream({ spec: { tags: [{ name: "a", generation: 2 }] } });
    expect(needsImport(s, "a")).toBe(true);
    const old = { ...s, status: statusWithTagEvent(s, repo, "a", event(1, 1)) };
    expect(needsImport(old, "a")).toBe(true);
    const current = { ...s, status: statusWithTagEvent(s, repo, "a", event(1, 2)) };
    expect(needsImport(current, "a")).toBe(false);
    const failed = {
      ...s,
      status: statusWithImportFailure(s, repo, "a", {
        reason: "NotFound",
        message: "m",
        generation: 2,
        now: "t",
      }),
    };
    expect(needsImport(failed, "a")).toBe(false);
  });
});

describe("resolveLatestTaggedImage", () => {
  const source = `quay.io/okd/cli@${digest(7)}`;
  const withItem = (referencePolicy?: string): ImageStreamObject => ({
    metadata: { name: "release", namespace: "ns", generation: 1 },
    spec: {
      tags: [
        {
          name: "cli",
          from: { kind: "DockerImage", name: "quay.io/okd/cli:4.17" },
          ...(referencePolicy === undefined ? {} : { referencePolicy: { type: referencePolicy } }),
        },
      ],
    },
    status: {
      dockerImageRepository: repo,
      tags: [{ tag: "cli", items: [{ ...event(7), dockerImageReference: source }] }],
    },
  });

  it("gives the item's reference, or <dockerImageRepository>@<image> for a Local reference policy", () => {
    expect(resolveLatestTaggedImage(withItem("Source"), "cli")).toBe(source);
    expect(resolveLatestTaggedImage(withItem(), "cli")).toBe(source);
    expect(resolveLatestTaggedImage(withItem("Local"), "cli")).toBe(`${repo}@${digest(7)}`);
    expect(resolveLatestTaggedImage(withItem("Local"), "missing")).toBeUndefined();
  });

  it("reads Go's null lists as empty", () => {
    const parsed = imageStreamSchema.parse({
      metadata: { name: "release", namespace: "ns" },
      spec: { tags: null },
      status: { dockerImageRepository: repo, tags: [{ tag: "cli", items: null, conditions: null }] },
    });
    expect(resolveLatestTaggedImage(parsed, "cli")).toBeUndefined();
    expect(needsImport(parsed, "cli")).toBe(true);
  });
});

describe("statusWithOwnImages (openshift-apiserver tagsChanged for ImageStreamImage)", () => {
  const now = "2026-01-02T00:00:00Z";
  const pushed = (generation: number, tags: NonNullable<ImageStreamObject["spec"]>["tags"]) => {
    const s = stream({ metadata: { name: "release", namespace: "ns", generation }, spec: { tags } });
    return { ...s, status: statusWithTagEvent(s, repo, "cli", event(7, 1)) };
  };

  it("gives a tag naming an image of its own stream that image's item at the tag's generation", () => {
    const s = pushed(2, [
      { name: "cli", from: { kind: "ImageStreamImage", name: `release@${digest(7)}` }, generation: 2 },
    ]);
    const status = statusWithOwnImages(s, repo, now);
    expect(status?.tags?.[0]?.items?.[0]).toEqual({
      created: now,
      dockerImageReference: `${repo}@${digest(7)}`,
      image: digest(7),
      generation: 2,
    });
    // Resolved: nothing more to do.
    expect(statusWithOwnImages({ ...s, status }, repo, now)).toBeUndefined();
  });

  it("leaves ids the stream does not hold, other streams and other kinds alone", () => {
    for (const from of [
      { kind: "ImageStreamImage", name: `release@${digest(8)}` },
      { kind: "ImageStreamImage", name: `other@${digest(7)}` },
      { kind: "ImageStreamImage", name: `release@${digest(7)}`, namespace: "elsewhere" },
      { kind: "DockerImage", name: `${repo}@${digest(7)}` },
    ]) {
      expect(
        statusWithOwnImages(pushed(2, [{ name: "cli", from, generation: 2 }]), repo, now),
      ).toBeUndefined();
    }
  });
});
