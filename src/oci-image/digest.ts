/** Content digests as used by OCI registries. */
import { createHash } from "node:crypto";

/** The `sha256:<hex>` digest of `bytes` (a string is hashed as UTF-8). */
export function sha256Digest(bytes: Uint8Array | string): string {
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}

/** True when `value` is a well-formed `sha256:` digest (64 lower-case hex characters). */
export function isSha256Digest(value: string): boolean {
  return /^sha256:[0-9a-f]{64}$/.test(value);
}
