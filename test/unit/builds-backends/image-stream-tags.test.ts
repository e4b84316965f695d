import { describe, expect, it } from "vitest";
import {
  desiredImageStreamTags,
  imageStreamTagLanded,
  mergeSpecTags,
  repositoryOf,
} from "../../../src/builds/image-stream-tags.js";
import { REPOSITORY, digest, imageStream, landedTag } from "./fixtures.js";

describe("imageStreamTagLanded (release-image-format.md §6)", () => {
  it("lands a pushed tag with no spec tag, pinned to the internal repository", () => {
    const stream = imageStream({ statusTags: [landedTag("cli", digest("a"))] });
    expect(imageStreamTagLanded(stream, "cli")).toEqual({
      landed: true,
      digest: digest("a"),
      pullspec: `${REPOSITORY}@${digest("a")}`,
    });
  });

  it("prefers publicDockerImageRepository for the pullspec", () => {
    const stream = imageStream({
      statusTags: [landedTag("cli", digest("a"))],
      publicRepository: "registry.example.com/okd/release",
    });
    expect(imageStreamTagLanded(stream, "cli")).toMatchObject({
      pullspec: `registry.example.com/okd/release@${digest("a")}`,
    });
  });

  it("falls back to the repository of the item's dockerImageReference", () => {
    const stream = imageStream({
      repository: null,
      statusTags: [
        {
          tag: "cli",
          items: [{ image: digest("a"), generation: 1, dockerImageReference: "quay.io/okd/cli:4.17" }],
        },
      ],
    });
    expect(imageStreamTagLanded(stream, "cli")).toMatchObject({
      landed: true,
      pullspec: `quay.io/okd/cli@${digest("a")}`,
    });
  });

  it("uses the newest item (items[0])", () => {
    const stream = imageStream({
      statusTags: [
        {
          tag: "cli",
          items: [
            { image: digest("b"), generation: 2 },
            { image: digest("a"), generation: 1 },
          ],
        },
      ],
    });
    expect(imageStreamTagLanded(stream, "cli")).toMatchObject({ landed: true, digest: digest("b") });
  });

  it("has not landed without an ImageStream or without a status tag", () => {
    expect(imageStreamTagLanded(undefined, "cli")).toMatchObject({ landed: false, importFailed: false });
    const result = imageStreamTagLanded(imageStream({ statusTags: [landedTag("base", digest("a"))] }), "cli");
    expect(result).toMatchObject({ landed: false, importFailed: false });
    expect(result.landed ? "" : result.reason).toContain("release:cli");
  });

  it("has not landed while the status tag has no items", () => {
    const stream = imageStream({ statusTags: [{ tag: "cli", items: [] }] });
    expect(imageStreamTagLanded(stream, "cli")).toMatchObject({ landed: false, importFailed: false });
    const nullItems = imageStream({ statusTags: [{ tag: "cli", items: null }] });
    expect(imageStreamTagLanded(nullItems, "cli").landed).toBe(false);
  });

  it("reports a failed import with its message, even when an older item exists", () => {
    const stream = imageStream({
      specTags: [{ name: "cli", from: { kind: "DockerImage", name: "quay.io/okd/cli:nope" }, generation: 2 }],
      statusTags: [
        {
          ...landedTag("cli", digest("a"), 1),
          conditions: [
            {
              type: "ImportSuccess",
              status: "False",
              reason: "NotFound",
              message: "manifest unknown",
              generation: 2,
            },
          ],
        },
      ],
    });
    const result = imageStreamTagLanded(stream, "cli");
    expect(result).toMatchObject({ landed: false, importFailed: true });
    expect(result.landed ? "" : result.reason).toContain("manifest unknown");
  });

  it("ignores ImportSuccess conditions that are not False", () => {
    const stream = imageStream({
      statusTags: [
        { ...landedTag("cli", digest("a")), conditions: [{ type: "ImportSuccess", status: "True" }] },
      ],
    });
    expect(imageStreamTagLanded(stream, "cli").landed).toBe(true);
  });

  it("waits while the spec tag's generation is above items[0].generation", () => {
    const specTags = [
      { name: "cli", from: { kind: "DockerImage", name: "quay.io/okd/cli:4.17" }, generation: 3 },
    ];
    const stale = imageStream({ specTags, statusTags: [landedTag("cli", digest("a"), 2)] });
    expect(imageStreamTagLanded(stale, "cli")).toMatchObject({ landed: false, importFailed: false });
    const current = imageStream({ specTags, statusTags: [landedTag("cli", digest("a"), 3)] });
    expect(imageStreamTagLanded(current, "cli").landed).toBe(true);
    const newer = imageStream({ specTags, statusTags: [landedTag("cli", digest("a"), 4)] });
    expect(imageStreamTagLanded(newer, "cli").landed).toBe(true);
  });

  it("waits while the spec tag has no generation yet", () => {
    const stream = imageStream({
      specTags: [
        { name: "cli", from: { kind: "DockerImage", name: "quay.io/okd/cli:4.17" }, generation: null },
      ],
      statusTags: [landedTag("cli", digest("a"), 5)],
    });
    expect(imageStreamTagLanded(stream, "cli").landed).toBe(false);
  });

  it("has not landed when items[0].image is empty", () => {
    const stream = imageStream({ statusTags: [{ tag: "cli", items: [{ image: "", generation: 1 }] }] });
    expect(imageStreamTagLanded(stream, "cli").landed).toBe(false);
  });
});

describe("repositoryOf", () => {
  it("strips tags and digests but keeps registry ports", () => {
    expect(repositoryOf("localhost:5000/okd/cli:4.17")).toBe("localhost:5000/okd/cli");
    expect(repositoryOf(`localhost:5000/okd/cli@${digest("a")}`)).toBe("localhost:5000/okd/cli");
    expect(repositoryOf(`quay.io/okd/cli:4.17@${digest("a")}`)).toBe("quay.io/okd/cli");
    expect(repositoryOf("localhost:5000/okd/release")).toBe("localhost:5000/okd/release");
  });
});

describe("desiredImageStreamTags and mergeSpecTags", () => {
  const desired = desiredImageStreamTags([{ tag: "ubi", pullspec: `quay.io/ubi@${digest("c")}` }]);

  it("imports from DockerImage with a Local reference policy", () => {
    expect(desired).toEqual([
      {
        name: "ubi",
        from: { kind: "DockerImage", name: `quay.io/ubi@${digest("c")}` },
        importPolicy: {},
        referencePolicy: { type: "Local" },
      },
    ]);
  });

  it("adds a missing tag and keeps the others", () => {
    const other = { name: "cli", from: { kind: "DockerImage", name: "quay.io/okd/cli:4.17" }, generation: 1 };
    const tags = mergeSpecTags(imageStream({ specTags: [other] }), desired);
    expect(tags?.map((t) => t.name)).toEqual(["cli", "ubi"]);
    expect(tags?.[0]).toEqual(other);
  });

  it("returns undefined when the stream already imports the pullspec", () => {
    const stream = imageStream({ specTags: [{ ...desired[0], name: "ubi", generation: 4 }] });
    expect(mergeSpecTags(stream, desired)).toBeUndefined();
  });

  it("replaces a tag that imports another image", () => {
    const stream = imageStream({
      specTags: [
        {
          name: "ubi",
          from: { kind: "DockerImage", name: "quay.io/ubi:9" },
          generation: 4,
          annotations: { a: "b" },
        },
      ],
    });
    const tags = mergeSpecTags(stream, desired);
    expect(tags).toHaveLength(1);
    expect(tags?.[0]?.from?.name).toBe(`quay.io/ubi@${digest("c")}`);
    expect(tags?.[0]?.annotations).toEqual({ a: "b" });
  });

  it("creates the list for a missing ImageStream", () => {
    expect(mergeSpecTags(undefined, desired)).toHaveLength(1);
  });

  it("a rebuilt image's tag gets its new key and loses the earlier reuse's reused-from", () => {
    const stream = imageStream({
      specTags: [
        {
          name: "console",
          from: { kind: "DockerImage", name: `quay.io/okd/console@${digest("a")}` },
          generation: 2,
          annotations: {
            "payload.okd.io/component-key": "old",
            "payload.okd.io/reused-from": "night-1",
            x: "y",
          },
        },
      ],
    });
    const rebuilt = desiredImageStreamTags([
      {
        tag: "console",
        pullspec: `quay.io/okd/console@${digest("b")}`,
        annotations: { "payload.okd.io/component-key": "new" },
        withoutAnnotations: ["payload.okd.io/reused-from"],
      },
    ]);
    expect(rebuilt[0]?.withoutAnnotations).toEqual(["payload.okd.io/reused-from"]);
    const tags = mergeSpecTags(stream, rebuilt);
    expect(tags?.[0]?.annotations).toEqual({ "payload.okd.io/component-key": "new", x: "y" });
    expect(mergeSpecTags(imageStream({ specTags: tags ?? [] }), rebuilt)).toBeUndefined();
  });
});
