/**
 * A deterministic incompressible blob of any size, produced as a stream (AES-128-CTR keystream of a
 * fixed key), never held in memory, and its sha256 digest computed by streaming it once.
 */
import { createCipheriv, createHash } from "node:crypto";
import { Readable } from "node:stream";

const CHUNK = 1 << 20;

/** A fresh stream of the blob's `size` bytes (the same bytes every time for the same `seed`). */
export function incompressibleStream(size: number, seed = "bench"): Readable {
  const key = createHash("sha256").update(seed).digest().subarray(0, 16);
  const cipher = createCipheriv("aes-128-ctr", key, Buffer.alloc(16));
  const zeros = Buffer.alloc(CHUNK);
  let left = size;
  return new Readable({
    read() {
      if (left <= 0) {
        this.push(null);
        return;
      }
      const n = Math.min(CHUNK, left);
      left -= n;
      this.push(cipher.update(n === CHUNK ? zeros : zeros.subarray(0, n)));
    },
  });
}

/** `sha256:<hex>` of the blob {@link incompressibleStream} produces. */
export async function incompressibleDigest(size: number, seed = "bench"): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of incompressibleStream(size, seed)) hash.update(chunk as Buffer);
  return `sha256:${hash.digest("hex")}`;
}
