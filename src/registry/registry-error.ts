/** The one error type of the registry module. */

/** An error from an image store, with the distribution spec's error code when there is one. */
export class RegistryError extends Error {
  override readonly name = "RegistryError";
  /**
   * Distribution error code (`MANIFEST_UNKNOWN`, `BLOB_UNKNOWN`, `NAME_UNKNOWN`, `DENIED`, `UNAUTHORIZED`,
   * `TOOMANYREQUESTS`...) or one of ours: `DIGEST_MISMATCH`, `TLS`, `CONNECTION`, `PROTOCOL`, `TOO_LARGE`.
   */
  readonly code: string;
  /** HTTP status when the error came from a response. */
  readonly status: number | undefined;

  constructor(code: string, message: string, options?: { status?: number; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options?.status;
  }
}

/** True when `error` is a {@link RegistryError}, with one of `codes` when any are given. */
export function isRegistryError(error: unknown, ...codes: string[]): error is RegistryError {
  return error instanceof RegistryError && (codes.length === 0 || codes.includes(error.code));
}
