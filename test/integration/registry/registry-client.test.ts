import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyImage } from "../../../src/registry/copy-image.js";
import { sha256Digest } from "../../../src/registry/digest.js";
import type { ImageStore } from "../../../src/registry/image-store.js";
import { DOCKER_MANIFEST_LIST, OCI_INDEX } from "../../../src/registry/media-types.js";
import { makeImage, pushImage, pushIndex } from "../../support/test-images.js";
import type { ImageFormat } from "../../support/test-images.js";
import { openTestStore, registryBackends } from "./registries.js";
import type { TestRegistry } from "./registries.js";

const backends = await registryBackends();

async function drain(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream as AsyncIterable<Buffer>) parts.push(part);
  return Buffer.concat(parts);
}

function text(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("utf8");
}

describe.each(backends)("registry client against $name", (backend) => {
  let registry: TestRegistry;
  const open = (repo: string, options = {}): ImageStore => openTestStore(registry.host, repo, options);

  beforeAll(async () => {
    registry = await backend.start();
  });
  afterAll(async () => {
    await registry.stop();
  });

  it.skipIf(!backend.available).each<ImageFormat>(["oci", "docker"])(
    "pushes and pulls a %s image by tag and by digest",
    async (format) => {
      const store = open(`images/${format}`);
      const image = makeImage(format, [300, 5000], { "io.openshift.release.operator": "true" });
      expect(await pushImage(store, image, "v1")).toBe(image.digest);
      const byTag = await store.getManifest("v1");
      expect(byTag.mediaType).toBe(image.mediaType);
      expect(byTag.digest).toBe(image.digest);
      expect(text(byTag.bytes)).toBe(text(image.manifest));
      expect((await store.getManifest(image.digest)).digest).toBe(image.digest);
      const [config, , layer] = image.blobs;
      if (config === undefined || layer === undefined) throw new Error("image without blobs");
      expect(text(await store.readBlob(config.descriptor.digest))).toBe(text(config.bytes));
      expect(await drain(await store.openBlob(layer.descriptor.digest))).toEqual(Buffer.from(layer.bytes));
      expect(await store.hasBlob(layer.descriptor.digest)).toBe(true);
      expect(await store.hasBlob(sha256Digest(Buffer.from("absent")))).toBe(false);
    },
  );

  it.skipIf(!backend.available).each<ImageFormat>(["oci", "docker"])(
    "pushes and pulls a %s index over two platforms",
    async (format) => {
      const store = open(`indexes/${format}`);
      const { digest, images } = await pushIndex(store, format, "multi");
      const index = await store.getManifest("multi");
      expect(index.digest).toBe(digest);
      expect(index.mediaType).toBe(format === "oci" ? OCI_INDEX : DOCKER_MANIFEST_LIST);
      for (const image of images)
        expect((await store.getManifest(image.digest)).mediaType).toBe(image.mediaType);
    },
  );

  it.skipIf(!backend.available)("uploads in chunks from a stream and from bytes", async () => {
    const store = open("chunked/blobs", { chunkSize: 1000 });
    const bytes = Buffer.alloc(4500, 7);
    bytes.write("not all the same", 1234);
    const digest = sha256Digest(bytes);
    const pieces = [bytes.subarray(0, 10), bytes.subarray(10, 2100), bytes.subarray(2100)];
    await store.putBlob({ digest, size: bytes.length }, Readable.from(pieces));
    expect(Buffer.from(await store.readBlob(digest))).toEqual(bytes);
    const other = Buffer.alloc(2500, 3);
    await store.putBlob({ digest: sha256Digest(other), size: other.length }, other);
    expect(Buffer.from(await store.readBlob(sha256Digest(other)))).toEqual(other);
  });

  it.skipIf(!backend.available)("refuses to upload bytes that do not match their digest", async () => {
    const store = open("mismatch/blobs", { chunkSize: 1000 });
    const claimed = { digest: sha256Digest(Buffer.from("claimed")), size: 5 };
    await expect(store.putBlob(claimed, Buffer.from("other"))).rejects.toMatchObject({
      code: "DIGEST_MISMATCH",
    });
    await expect(store.putBlob(claimed, Readable.from([Buffer.from("other")]))).rejects.toMatchObject({
      code: "DIGEST_MISMATCH",
    });
    const big = Buffer.alloc(3000, 1);
    await expect(
      store.putBlob({ digest: claimed.digest, size: 3000 }, Readable.from([big])),
    ).rejects.toMatchObject({ code: "DIGEST_MISMATCH" });
    expect(await store.hasBlob(claimed.digest)).toBe(false);
  });

  it.skipIf(!backend.available)(
    "mounts blobs across repositories and copies an index with no blob uploaded",
    async () => {
      const from = open("mount/source");
      const to = open("mount/target");
      const { digest } = await pushIndex(from, "docker", "base");
      const result = await copyImage(from, "base", to, "copy");
      expect(result.digest).toBe(digest);
      expect(result.blobs).toEqual({ exists: 0, mounted: 6, copied: 0 });
      expect((await to.getManifest("copy")).digest).toBe(digest);
      // the platform manifests are already there, so nothing below them is looked at again
      const again = await copyImage(from, "base", to, "copy-2");
      expect(again).toMatchObject({ digest, blobs: { exists: 0, mounted: 0, copied: 0 } });
      const single = makeImage("oci", [100]);
      await pushImage(from, single, "single");
      await pushImage(to, single, "single");
      expect((await copyImage(from, "single", to, "single-2")).blobs).toEqual({
        exists: 2,
        mounted: 0,
        copied: 0,
      });
    },
  );

  it.skipIf(!backend.available)(
    "copies to another registry (an OCI layout) and back, digests unchanged",
    async () => {
      const { mkdtemp, rm } = await import("node:fs/promises");
      const dir = await mkdtemp("/tmp/registry-copy-");
      try {
        const source = open("roundtrip/a");
        const image = makeImage("oci", [2000]);
        await pushImage(source, image, "1");
        const { openImageStore } = await import("../../../src/registry/image-store.js");
        const layout = openImageStore(`oci:${dir}`);
        expect((await copyImage(source, "1", layout, "1")).blobs.copied).toBe(2);
        const back = open("roundtrip/b");
        const result = await copyImage(layout, "1", back, "2");
        expect(result).toMatchObject({ digest: image.digest, blobs: { copied: 2 } });
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  );

  it.skipIf(!backend.available)(
    "lists tags across pages, sorted; a missing repository has none",
    async () => {
      const store = open("tags/many", { tagPageSize: 2 });
      const image = makeImage("oci", [10]);
      for (const tag of ["c", "a", "e", "b", "d"]) await pushImage(store, image, tag);
      expect(await store.listTags()).toEqual(["a", "b", "c", "d", "e"]);
      expect(await open("tags/none").listTags()).toEqual([]);
    },
  );

  it.skipIf(!backend.available)("surfaces distribution error codes by name", async () => {
    const store = open("errors/repo");
    const image = makeImage("oci", [10]);
    await expect(store.putManifest("t", image.manifest, image.mediaType)).rejects.toMatchObject({
      code: "MANIFEST_BLOB_UNKNOWN",
    });
    await pushImage(store, image, "t");
    await expect(store.getManifest("missing")).rejects.toMatchObject({ code: "MANIFEST_UNKNOWN" });
    await expect(store.readBlob(sha256Digest(Buffer.from("nope")))).rejects.toMatchObject({
      code: "BLOB_UNKNOWN",
    });
    await expect(store.getManifest("missing")).rejects.toThrow(/errors\/repo:missing: MANIFEST_UNKNOWN/);
  });
});
