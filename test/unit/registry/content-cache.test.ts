import { createHash } from "node:crypto";
import { chmod, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { withContentCache } from "../../../src/registry/caching-store.js";
import { DirectoryContentCache, MemoryContentCache } from "../../../src/registry/content-cache.js";
import { MemoryRegistry } from "../oci-image/memory-image-store.js";

const digestOf = (bytes: Uint8Array) => `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
const bytesOf = (text: string) => Buffer.from(text);

describe("MemoryContentCache", () => {
  it("returns what was put, by digest, and misses anything else", async () => {
    const cache = new MemoryContentCache();
    const bytes = bytesOf('{"config":{}}');
    await cache.put(digestOf(bytes), { bytes });
    expect(await cache.get(digestOf(bytes))).toEqual({ bytes });
    expect(await cache.get(digestOf(bytesOf("other")))).toBeUndefined();
    await cache.put("latest", { bytes });
    expect(await cache.get("latest")).toBeUndefined();
  });

  it("evicts the least recently used entries beyond its size, and never holds an entry larger than it", async () => {
    const cache = new MemoryContentCache(10);
    const [a, b, c] = ["aaaa", "bbbb", "cccc"].map(bytesOf) as [Buffer, Buffer, Buffer];
    await cache.put(digestOf(a), { bytes: a });
    await cache.put(digestOf(b), { bytes: b });
    await cache.get(digestOf(a)); // a is now the most recently used
    await cache.put(digestOf(c), { bytes: c });
    expect(await cache.get(digestOf(b))).toBeUndefined();
    expect(await cache.get(digestOf(a))).toBeDefined();
    expect(await cache.get(digestOf(c))).toBeDefined();
    expect(cache.size).toBe(8);
    const big = bytesOf("x".repeat(11));
    await cache.put(digestOf(big), { bytes: big });
    expect(await cache.get(digestOf(big))).toBeUndefined();
    expect(cache.size).toBe(8);
  });
});

describe("DirectoryContentCache", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "content-cache-test-"));
  });
  afterEach(async () => {
    await chmod(dir, 0o755).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });

  it("keeps entries on disk for the next process that names the directory", async () => {
    const bytes = bytesOf('{"config":{"Labels":{}}}');
    const digest = digestOf(bytes);
    await new DirectoryContentCache(dir).put(digest, { bytes });
    const hit = await new DirectoryContentCache(dir).get(digest);
    expect(Buffer.from(hit?.bytes ?? []).toString()).toBe('{"config":{"Labels":{}}}');
    expect(await readdir(join(dir, "sha256"))).toEqual([digest.slice("sha256:".length)]);
  });

  it("treats an entry whose bytes no longer match its digest as missing, and removes it", async () => {
    const cache = new DirectoryContentCache(dir);
    const bytes = bytesOf("labels");
    const digest = digestOf(bytes);
    await cache.put(digest, { bytes });
    await writeFile(join(dir, "sha256", digest.slice("sha256:".length)), "tampered");
    expect(await cache.get(digest)).toBeUndefined();
    expect(await readdir(join(dir, "sha256"))).toEqual([]);
  });

  it("never fails the caller: a directory it cannot write is a cache that misses", async () => {
    if (process.getuid?.() === 0) {
      // root writes anyway: make the directory a file instead
      await rm(dir, { recursive: true, force: true });
      await writeFile(dir, "not a directory");
    } else {
      await chmod(dir, 0o500);
    }
    const cache = new DirectoryContentCache(dir);
    const bytes = bytesOf("x");
    await expect(cache.put(digestOf(bytes), { bytes })).resolves.toBeUndefined();
    expect(await cache.get(digestOf(bytes))).toBeUndefined();
    await rm(dir, { force: true });
  });
});

describe("withContentCache", () => {
  /** A registry whose store counts the reads that reach it. */
  function countingStore() {
    const registry = new MemoryRegistry();
    const store = registry.store("okd/content");
    const reads = { manifests: [] as string[], blobs: [] as string[] };
    const counted = Object.assign(Object.create(store) as typeof store, {
      getManifest: (tagOrDigest: string) => {
        reads.manifests.push(tagOrDigest);
        return store.getManifest(tagOrDigest);
      },
      readBlob: (digest: string) => {
        reads.blobs.push(digest);
        return store.readBlob(digest);
      },
      openBlob: (digest: string) => {
        reads.blobs.push(digest);
        return store.openBlob(digest);
      },
    });
    return { store, counted, reads };
  }

  it("answers small blobs from the cache after the first read, and always reads manifests from the store", async () => {
    const { store, counted, reads } = countingStore();
    const config = bytesOf('{"config":{"Labels":{"io.openshift.release.operator":"true"}}}');
    await store.putBlob({ digest: digestOf(config), size: config.length }, config);
    const manifest = bytesOf(`{"schemaVersion":2,"config":{"digest":"${digestOf(config)}"}}`);
    await store.putManifest("v1", manifest, "application/vnd.oci.image.manifest.v1+json");
    const cache = new MemoryContentCache();

    const first = withContentCache(counted, cache);
    const byTag = await first.getManifest("v1");
    await first.readBlob(digestOf(config));
    const second = withContentCache(counted, cache);
    const byDigest = await second.getManifest(byTag.digest);
    expect(Buffer.from(byDigest.bytes).equals(manifest)).toBe(true);
    expect(Buffer.from(await second.readBlob(digestOf(config))).equals(config)).toBe(true);
    const streamed: Buffer[] = [];
    for await (const chunk of await second.openBlob(digestOf(config))) streamed.push(chunk as Buffer);
    expect(Buffer.concat(streamed).equals(config)).toBe(true);
    expect(reads).toEqual({ manifests: ["v1", digestOf(manifest)], blobs: [digestOf(config)] });
  });

  it("fails as the store does when the image is gone, whatever the cache holds", async () => {
    const { counted } = countingStore();
    const cache = new MemoryContentCache();
    const gone = bytesOf("gone manifest");
    await cache.put(digestOf(gone), { bytes: gone });
    await expect(withContentCache(counted, cache).getManifest(digestOf(gone))).rejects.toThrow(
      /MANIFEST_UNKNOWN/,
    );
  });

  it("does not cache blobs larger than its limit, and a cached blob larger than the caller allows is refused", async () => {
    const { store, counted, reads } = countingStore();
    const blob = bytesOf("0123456789");
    await store.putBlob({ digest: digestOf(blob), size: blob.length }, blob);
    const cache = new MemoryContentCache();
    await withContentCache(counted, cache, 4).readBlob(digestOf(blob));
    await withContentCache(counted, cache, 4).readBlob(digestOf(blob));
    expect(reads.blobs).toHaveLength(2);
    await withContentCache(counted, cache).readBlob(digestOf(blob));
    await expect(withContentCache(counted, cache).readBlob(digestOf(blob), 5)).rejects.toThrow(
      /larger than 5 bytes/,
    );
    expect(reads.blobs).toHaveLength(3);
  });
});
