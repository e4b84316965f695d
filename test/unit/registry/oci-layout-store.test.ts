import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { copyImage } from "../../../src/registry/copy-image.js";
import { sha256Digest } from "../../../src/registry/digest.js";
import { openImageStore } from "../../../src/registry/image-store.js";
import { OCI_MANIFEST } from "../../../src/registry/media-types.js";
import { makeImage, pushImage, pushIndex } from "../../support/test-images.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "oci-layout-test-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function drain(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream as AsyncIterable<Buffer>) parts.push(part);
  return Buffer.concat(parts);
}

describe("oci: layout store", () => {
  it("writes a layout that reads back by tag and by digest, with the ref.name annotation", async () => {
    const store = openImageStore(`oci:${dir}/layout`);
    const image = makeImage("oci", [100, 200]);
    const digest = await pushImage(store, image, "4.15.0");
    expect(digest).toBe(image.digest);
    const byTag = await store.getManifest("4.15.0");
    expect({ ...byTag, bytes: Buffer.from(byTag.bytes) }).toEqual({
      mediaType: OCI_MANIFEST,
      digest,
      bytes: Buffer.from(image.manifest),
    });
    expect((await store.getManifest(digest)).digest).toBe(digest);
    const index = JSON.parse(await readFile(join(dir, "layout", "index.json"), "utf8"));
    expect(index.manifests[0].annotations).toEqual({ "org.opencontainers.image.ref.name": "4.15.0" });
    expect(JSON.parse(await readFile(join(dir, "layout", "oci-layout"), "utf8"))).toEqual({
      imageLayoutVersion: "1.0.0",
    });
    const layer = image.blobs[1];
    if (!layer) throw new Error("no layer");
    expect(await drain(await store.openBlob(layer.descriptor.digest))).toEqual(Buffer.from(layer.bytes));
    expect(await store.listTags()).toEqual(["4.15.0"]);
  });

  it("retagging replaces the entry; a missing tag is MANIFEST_UNKNOWN", async () => {
    const store = openImageStore(`oci:${dir}`);
    await pushImage(store, makeImage("docker"), "t");
    const second = makeImage("docker");
    await pushImage(store, second, "t");
    expect((await store.getManifest("t")).digest).toBe(second.digest);
    await expect(store.getManifest("nope")).rejects.toMatchObject({ code: "MANIFEST_UNKNOWN" });
  });

  it("refuses a manifest naming blobs it does not hold", async () => {
    const store = openImageStore(`oci:${dir}`);
    const image = makeImage("oci");
    await expect(store.putManifest("t", image.manifest, image.mediaType)).rejects.toMatchObject({
      code: "MANIFEST_BLOB_UNKNOWN",
    });
  });

  it("keeps every tag when many writers tag at once", async () => {
    const first = openImageStore(`oci:${dir}`);
    const second = openImageStore(`oci:${dir}`);
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        pushImage(i % 2 === 0 ? first : second, makeImage("oci", [16]), `t${i}`),
      ),
    );
    expect((await first.listTags()).length).toBe(20);
  });

  it("detects a corrupted blob on read and on stream", async () => {
    const store = openImageStore(`oci:${dir}`);
    const image = makeImage("oci", [1000]);
    await pushImage(store, image, "t");
    const layer = image.blobs[1];
    if (!layer) throw new Error("no layer");
    const path = join(dir, "blobs", "sha256", layer.descriptor.digest.slice(7));
    const corrupted = Buffer.from(layer.bytes);
    corrupted[500] = (corrupted[500] ?? 0) ^ 0xff;
    await writeFile(path, corrupted);
    await expect(store.readBlob(layer.descriptor.digest)).rejects.toMatchObject({ code: "DIGEST_MISMATCH" });
    await expect(drain(await store.openBlob(layer.descriptor.digest))).rejects.toMatchObject({
      code: "DIGEST_MISMATCH",
    });
  });

  it("rejects an upload whose bytes do not match the descriptor, leaving nothing behind", async () => {
    const store = openImageStore(`oci:${dir}`);
    const bytes = Buffer.from("hello");
    await expect(
      store.putBlob({ digest: sha256Digest(Buffer.from("other")), size: 5 }, Readable.from([bytes])),
    ).rejects.toMatchObject({
      code: "DIGEST_MISMATCH",
    });
    expect(await store.hasBlob(sha256Digest(Buffer.from("other")))).toBe(false);
  });

  it("copies an index with its platform images between layouts, digests unchanged", async () => {
    const from = openImageStore(`oci:${dir}/a`);
    const to = openImageStore(`oci:${dir}/b`);
    const { digest } = await pushIndex(from, "oci", "multi");
    const result = await copyImage(from, "multi", to, "copied");
    expect(result.digest).toBe(digest);
    expect(result.blobs.copied).toBe(6);
    expect((await to.getManifest("copied")).digest).toBe(digest);
    expect(await to.listTags()).toEqual(["copied"]);
  });
});
