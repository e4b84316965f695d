/** Errors of the OCI distribution spec, as the integrated registry sends them. */
import type { ServerResponse } from "node:http";

/** The spec's error codes with the HTTP status this registry answers them with. */
export const ERROR_STATUS = {
  BLOB_UNKNOWN: 404,
  BLOB_UPLOAD_INVALID: 400,
  BLOB_UPLOAD_UNKNOWN: 404,
  DIGEST_INVALID: 400,
  MANIFEST_BLOB_UNKNOWN: 400,
  MANIFEST_INVALID: 400,
  MANIFEST_UNKNOWN: 404,
  NAME_INVALID: 400,
  NAME_UNKNOWN: 404,
  SIZE_INVALID: 400,
  UNAUTHORIZED: 401,
  DENIED: 403,
  UNSUPPORTED: 405,
  TOOMANYREQUESTS: 429,
} as const;

/** A distribution error code. */
export type DistributionErrorCode = keyof typeof ERROR_STATUS;

/** An error to answer with `{"errors":[{"code","message","detail"}]}`. */
export class DistributionError extends Error {
  override readonly name = "DistributionError";
  constructor(
    readonly code: DistributionErrorCode,
    message: string,
    readonly detail?: unknown,
    readonly status: number = ERROR_STATUS[code],
  ) {
    super(message);
  }
}

/** Writes a distribution error response (no body for HEAD). */
export function sendDistributionError(res: ServerResponse, error: DistributionError, head: boolean): void {
  const body = JSON.stringify({
    errors: [{ code: error.code, message: error.message, detail: error.detail ?? null }],
  });
  res.writeHead(error.status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(body),
    "docker-distribution-api-version": "registry/2.0",
  });
  res.end(head ? undefined : body);
}
