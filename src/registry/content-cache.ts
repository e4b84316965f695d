/**
 * Content-addressed caches of small immutable registry blobs: image configs, small layers. A digest names its bytes forever, so an entry is never stale; it is only
 * ever missing (evicted, never written) or damaged (checked against its digest on every read of the
 * disk cache, and then treated as missing). A cache never fails the work it speeds up: a read or write
 * that fails is a miss, silently.
 */
import { randomUUID } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { digestAlgorithm, digestLike } from "./digest.js";

/** One cached item: the exact bytes. */
export interface CachedContent {
  readonly bytes: Uint8Array;
}

/** A store of content by digest. `get` resolves `undefined` for a miss; neither ever rejects. */
export interface ContentCache {
  get(digest: string): Promise<CachedContent | undefined>;
  /** Stores `content` under `digest`; the caller has verified that the bytes hash to it. */
  put(digest: string, content: CachedContent): Promise<void>;
}

/** Content larger than this is not cached (configs are KiBs; operator top layers rarely more). */
export const CACHEABLE_BYTES = 1024 * 1024;

/** A digest the caches accept (`sha256:`/`sha512:` + hex); anything else is a miss and is not stored. */
function isCacheableDigest(digest: string): boolean {
  try {
    digestAlgorithm(digest);
    return true;
  } catch {
    return false;
  }
}

/**
 * An in-process cache holding at most `maxBytes` of content, least recently used evicted first: for a
 * long-running process (the operator) that assembles releases again and again from mostly the same
 * component images. Entries are copies of the bytes put; what `get` returns is shared: callers must not
 * modify it.
 */
export class MemoryContentCache implements ContentCache {
  private readonly entries = new Map<string, CachedContent>();
  private bytes = 0;

  constructor(private readonly maxBytes = 64 * 1024 * 1024) {}

  /** Bytes held now. */
  get size(): number {
    return this.bytes;
  }

  get(digest: string): Promise<CachedContent | undefined> {
    const entry = this.entries.get(digest);
    if (entry !== undefined) {
      // Most recently used goes last: Map keeps insertion order.
      this.entries.delete(digest);
      this.entries.set(digest, entry);
    }
    return Promise.resolve(entry);
  }

  put(digest: string, content: CachedContent): Promise<void> {
    const length = content.bytes.length;
    if (!isCacheableDigest(digest) || length > this.maxBytes || this.entries.has(digest))
      return Promise.resolve();
    // A copy with its own memory: a small Buffer is often a slice of a shared 8 KiB pool, which it
    // would keep alive (and which the byte count would not see).
    const own = new Uint8Array(content.bytes);
    this.entries.set(digest, { bytes: Buffer.from(own.buffer, own.byteOffset, own.byteLength) });
    this.bytes += length;
    for (const [key, entry] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(key);
      this.bytes -= entry.bytes.length;
    }
    return Promise.resolve();
  }
}

/**
 * A cache in a directory, shared by every process that names it (repeated `payloadctl assemble` runs):
 * `DIR/<algorithm>/<hex>` holds the bytes. Writes go to a temporary file renamed into place, so a reader sees a whole entry or none;
 * every read is checked against its digest, and an entry that does not match is removed and missed.
 * Nothing is ever evicted: remove the directory to reclaim the space.
 */
export class DirectoryContentCache implements ContentCache {
  constructor(readonly directory: string) {}

  private pathOf(digest: string): string {
    const [algorithm = "", hex = ""] = digest.split(":");
    return join(this.directory, algorithm, hex);
  }

  async get(digest: string): Promise<CachedContent | undefined> {
    if (!isCacheableDigest(digest)) return undefined;
    const path = this.pathOf(digest);
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch {
      return undefined;
    }
    if (digestLike(digest, bytes) !== digest) {
      await rm(path, { force: true }).catch(() => undefined);
      return undefined;
    }
    return { bytes };
  }

  async put(digest: string, content: CachedContent): Promise<void> {
    if (!isCacheableDigest(digest)) return;
    const path = this.pathOf(digest);
    const temporary = `${path}.${randomUUID()}.tmp`;
    try {
      await mkdir(join(path, ".."), { recursive: true });
      await writeFile(temporary, content.bytes);
      await rename(temporary, path);
    } catch {
      await rm(temporary, { force: true }).catch(() => undefined);
    }
  }
}
