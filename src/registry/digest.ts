/** Content digests: computing them and verifying streams against them. */
import { createHash } from "node:crypto";
import { Transform } from "node:stream";
import type { TransformCallback } from "node:stream";
import { RegistryError } from "./registry-error.js";

/** The `sha256:<hex>` digest of `bytes`. */
export function sha256Digest(bytes: Uint8Array): string {
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}

/** The hash algorithm of a `sha256:`/`sha512:` digest; throws a `DIGEST_INVALID` error otherwise. */
export function digestAlgorithm(digest: string): "sha256" | "sha512" {
  if (/^sha256:[a-f0-9]{64}$/.test(digest)) return "sha256";
  if (/^sha512:[a-f0-9]{128}$/.test(digest)) return "sha512";
  throw new RegistryError(
    "DIGEST_INVALID",
    `"${digest}" is not a sha256:<64 hex> or sha512:<128 hex> digest`,
  );
}

/** The digest of `bytes` with the same algorithm as `like`. */
export function digestLike(like: string, bytes: Uint8Array): string {
  const algorithm = digestAlgorithm(like);
  return `${algorithm}:${createHash(algorithm).update(bytes).digest("hex")}`;
}

/** Throws `DIGEST_MISMATCH` naming `what` when `bytes` do not hash to `expected`. */
export function verifyBytes(bytes: Uint8Array, expected: string, what: string): void {
  const actual = digestLike(expected, bytes);
  if (actual !== expected) {
    throw new RegistryError("DIGEST_MISMATCH", `${what}: content digest is ${actual}, expected ${expected}`);
  }
}

/**
 * A pass-through stream that hashes what flows through it and fails at the end when the digest
 * (or the size, when given) is not the expected one. Bytes are passed on as they arrive, so a consumer
 * must treat everything it read as untrusted until the stream ends without error.
 */
export function createDigestVerifier(expected: string, what: string, expectedSize?: number): Transform {
  const algorithm = digestAlgorithm(expected);
  const hash = createHash(algorithm);
  let size = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      hash.update(chunk);
      size += chunk.length;
      if (expectedSize !== undefined && size > expectedSize) {
        callback(
          new RegistryError("DIGEST_MISMATCH", `${what}: more than the expected ${expectedSize} bytes`),
        );
        return;
      }
      callback(null, chunk);
    },
    flush(callback: TransformCallback) {
      const actual = `${algorithm}:${hash.digest("hex")}`;
      if (expectedSize !== undefined && size !== expectedSize) {
        callback(
          new RegistryError("DIGEST_MISMATCH", `${what}: got ${size} bytes, expected ${expectedSize}`),
        );
      } else if (actual !== expected) {
        callback(
          new RegistryError("DIGEST_MISMATCH", `${what}: content digest is ${actual}, expected ${expected}`),
        );
      } else {
        callback();
      }
    },
  });
}
