/** Turns failed HTTP exchanges with a registry into {@link RegistryError}s a user can act on. */
import { z } from "zod";
import { RegistryError } from "./registry-error.js";

const errorBodySchema = z.object({
  errors: z.array(
    z.looseObject({ code: z.string(), message: z.string().optional(), detail: z.unknown().optional() }),
  ),
});

/** The distribution error of a response body, if it has one: `{"errors":[{"code","message","detail"}]}`. */
export function parseErrorBody(text: string): { code: string; message: string } | undefined {
  try {
    const parsed = errorBodySchema.safeParse(JSON.parse(text));
    const first = parsed.success ? parsed.data.errors[0] : undefined;
    if (first) return { code: first.code, message: first.message ?? first.code };
  } catch {
    // not JSON
  }
  return undefined;
}

/** The error code for an HTTP status with no distribution error body. */
export function codeForStatus(status: number): string {
  if (status === 401) return "UNAUTHORIZED";
  if (status === 403) return "DENIED";
  if (status === 404) return "NOT_FOUND";
  if (status === 429) return "TOOMANYREQUESTS";
  if (status === 416) return "BLOB_UPLOAD_INVALID";
  return status >= 500 ? "UNAVAILABLE" : "PROTOCOL";
}

/** Builds the error for a non-successful response to `what` (e.g. `GET manifest quay.io/a/b:1`). */
export function responseError(status: number, bodyText: string, what: string): RegistryError {
  const parsed = parseErrorBody(bodyText);
  const code = parsed?.code ?? codeForStatus(status);
  const detail = parsed?.message ?? (bodyText.trim().slice(0, 200) || `HTTP ${status}`);
  return new RegistryError(code, `${what}: ${code}: ${detail} (HTTP ${status})`, { status });
}

const TLS_CODES = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "CERT_SIGNATURE_FAILURE",
  "ERR_SSL_WRONG_VERSION_NUMBER",
  "ERR_SSL_PACKET_LENGTH_TOO_LONG",
  "EPROTO",
]);

/** The `code` of an error or of the first cause that has one. */
export function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === "object" && current !== null; depth++) {
    if ("code" in current && typeof current.code === "string") return current.code;
    current = "cause" in current ? current.cause : undefined;
  }
  return undefined;
}

/** True for an error of the TLS handshake (untrusted CA, wrong name, HTTP spoken to HTTPS...). */
export function isTlsError(error: unknown): boolean {
  const code = errorCode(error);
  return (
    code !== undefined && (TLS_CODES.has(code) || code.startsWith("ERR_SSL_") || code.startsWith("ERR_TLS_"))
  );
}

/** True for a failure to reach the host at all: connection refused, unknown host, no route. */
export function isUnreachable(error: unknown): boolean {
  const code = errorCode(error);
  return code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "EHOSTUNREACH";
}

/** Wraps a transport failure (connection refused, reset, TLS) as a {@link RegistryError}. */
export function transportError(error: unknown, registry: string, what: string): RegistryError {
  if (error instanceof RegistryError) return error;
  const code = errorCode(error) ?? "unknown";
  const cause =
    error instanceof Error
      ? error.cause instanceof Error
        ? error.cause.message
        : error.message
      : String(error);
  if (isTlsError(error)) {
    return new RegistryError(
      "TLS",
      `${what}: TLS connection to ${registry} failed (${code}: ${cause}); TLS is verified against the system CAs: ` +
        `if the registry uses a private or self-signed CA, trust its CA bundle with --registry-ca FILE (payloadctl operator, ` +
        `assemble, release-info, plan; in a cluster, mount a ConfigMap holding the PEM into the operator's Deployment and ` +
        `point --registry-ca at it), or pass --insecure-registry ${registry} only if it serves plain HTTP`,
      { cause: error },
    );
  }
  return new RegistryError("CONNECTION", `${what}: cannot reach ${registry} (${code}: ${cause})`, {
    cause: error,
  });
}
