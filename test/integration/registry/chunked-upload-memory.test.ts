/**
 * A chunked push (`chunkSize`) holds one chunk in memory, not more: while the source stream is read,
 * the live ArrayBuffer memory of this process (measured after a forced garbage collection, so the
 * figure does not depend on when the collector happens to run) stays within one chunk plus a little.
 * Read-ahead of the source counts too: bytes read but not yet sent are live. Against Debian's
 * docker-registry, which runs in its own process, so only the client's memory is measured.
 * Chunks larger than fetch's copy threshold are still retried one by one.
 */
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startDockerRegistry } from "../../support/docker-registry.js";
import type { RunningDockerRegistry } from "../../support/docker-registry.js";
import { describeWithTools } from "../../support/required-tool.js";
import { startFaultyProxy } from "./faulty-proxy.js";
import type { ProxyHook } from "./faulty-proxy.js";
import { openTestStore } from "./registries.js";

setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc") as () => void;

const MIB = 1024 * 1024;
const PART = 64 * 1024;

/** Live ArrayBuffer bytes after a full collection. */
function liveArrayBuffers(): number {
  collectGarbage();
  return process.memoryUsage().arrayBuffers;
}

/** Part `index` of the test blob: a fresh buffer, deterministic content. */
function part(index: number, length: number): Buffer {
  return Buffer.alloc(length, index % 251);
}

/** `size` bytes in fresh {@link PART}-byte buffers; calls `onRead(bytesReadSoFar)` after each one. */
function countingSource(size: number, onRead: (bytesRead: number) => void): Readable {
  let read = 0;
  let index = 0;
  return new Readable({
    read() {
      if (read >= size) {
        this.push(null);
        return;
      }
      const length = Math.min(PART, size - read);
      read += length;
      this.push(part(index++, length));
      onRead(read);
    },
  });
}

function blobDigest(size: number): string {
  const hash = createHash("sha256");
  for (let index = 0, done = 0; done < size; index++, done += PART)
    hash.update(part(index, Math.min(PART, size - done)));
  return `sha256:${hash.digest("hex")}`;
}

describeWithTools(["docker-registry"])("chunked upload memory", () => {
  let registry: RunningDockerRegistry | undefined;

  beforeAll(async () => {
    registry = await startDockerRegistry();
  });
  afterAll(async () => {
    await registry?.stop();
  });

  it("holds at most one chunk (plus a little) while streaming a blob in chunks", async () => {
    if (registry === undefined) throw new Error("no registry");
    const chunkSize = 8 * MIB;
    const size = 5 * chunkSize + 12_345;
    const digest = blobDigest(size);
    const store = openTestStore(registry.host, "memory/chunked", { chunkSize });
    const baseline = liveArrayBuffers();
    let peak = 0;
    let nextSample = 0;
    const source = countingSource(size, (bytesRead) => {
      if (bytesRead < nextSample) return;
      nextSample += MIB / 2;
      peak = Math.max(peak, liveArrayBuffers() - baseline);
    });
    await store.putBlob({ digest, size }, source);
    expect(await store.hasBlob(digest)).toBe(true);
    expect(nextSample).toBeGreaterThan(size);
    expect(peak).toBeLessThan(chunkSize + 3 * MIB);
  });

  it.each(["a stream", "bytes"])("retries a failed multi-MiB chunk on its own, from %s", async (kind) => {
    if (registry === undefined) throw new Error("no registry");
    const chunkSize = 2 * MIB;
    const size = 2 * chunkSize + 100_000;
    const digest = blobDigest(size);
    let patches = 0;
    const failFirstAndThird: ProxyHook = (req, res) => {
      if (req.method !== "PATCH") return "pass";
      patches += 1;
      if (patches !== 1 && patches !== 3) return "pass";
      req.resume();
      req.on("end", () => res.writeHead(503).end("busy"));
      return "handled";
    };
    const repo = `memory/retried-${kind === "bytes" ? "bytes" : "stream"}`;
    const proxy = await startFaultyProxy(registry.host, failFirstAndThird);
    try {
      const source = countingSource(size, () => undefined);
      const body = kind === "bytes" ? Buffer.concat((await source.toArray()) as Buffer[]) : source;
      await openTestStore(proxy.host, repo, { chunkSize }).putBlob({ digest, size }, body);
      expect(patches).toBe(5);
      expect(await openTestStore(registry.host, repo).hasBlob(digest)).toBe(true);
    } finally {
      await proxy.stop();
    }
  });
});
