/**
 * Typed Kubernetes API errors, parsed from the `Status` body the API server returns with a
 * non-2xx response (or inside a watch `ERROR` event).
 */
import { z } from "zod";

/** The fields of a `meta/v1 Status` we use. Unknown fields pass through. */
export const statusSchema = z.looseObject({
  kind: z.literal("Status").optional(),
  status: z.string().optional(),
  message: z.string().optional(),
  reason: z.string().optional(),
  code: z.number().int().optional(),
  details: z
    .looseObject({
      name: z.string().optional(),
      kind: z.string().optional(),
      retryAfterSeconds: z.number().optional(),
      causes: z
        .array(
          z.looseObject({
            field: z.string().optional(),
            message: z.string().optional(),
            reason: z.string().optional(),
          }),
        )
        .optional(),
    })
    .optional(),
});
/** A parsed `meta/v1 Status`. */
export type ApiStatus = z.infer<typeof statusSchema>;

/** Any failed API call. `code` is the HTTP status (0 when no response was received). */
export class KubeApiError extends Error {
  override readonly name: string = "KubeApiError";
  constructor(
    /** HTTP status code, 0 for transport failures. */
    readonly code: number,
    /** The `Status.reason` (e.g. `NotFound`), or `""` when absent. */
    readonly reason: string,
    message: string,
    /** The parsed `Status`, when the server sent one. */
    readonly status: ApiStatus | undefined,
  ) {
    super(message);
  }
}
/** 404: the object (or its namespace or resource) does not exist. */
export class NotFoundError extends KubeApiError {
  override readonly name = "NotFoundError";
}
/** 409 with reason AlreadyExists: create of a name that is taken. */
export class AlreadyExistsError extends KubeApiError {
  override readonly name = "AlreadyExistsError";
}
/** 409 Conflict: the resourceVersion sent is stale (optimistic concurrency lost). Re-read and retry. */
export class ConflictError extends KubeApiError {
  override readonly name = "ConflictError";
}
/** 410 Gone / Expired: the resourceVersion is too old for a watch or list continue; relist. */
export class GoneError extends KubeApiError {
  override readonly name = "GoneError";
}
/** 422 Invalid: the object fails validation; `status.details.causes` names the fields. */
export class InvalidError extends KubeApiError {
  override readonly name = "InvalidError";
}
/** 429: throttled. `retryAfterMs` comes from the `Retry-After` header or `details.retryAfterSeconds`. */
export class TooManyRequestsError extends KubeApiError {
  override readonly name = "TooManyRequestsError";
  constructor(
    code: number,
    reason: string,
    message: string,
    status: ApiStatus | undefined,
    readonly retryAfterMs: number | undefined,
  ) {
    super(code, reason, message, status);
  }
}

/** Parses a `Status` from a JSON text or value; `undefined` if it is not one. */
export function parseStatus(body: unknown): ApiStatus | undefined {
  let value = body;
  if (typeof body === "string") {
    try {
      value = JSON.parse(body);
    } catch {
      return undefined;
    }
  }
  const parsed = statusSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/**
 * Builds the typed error for a failed response. `what` describes the request (verb and path) so
 * the message says which call failed.
 */
export function kubeErrorFrom(
  code: number,
  body: unknown,
  what: string,
  retryAfterHeader?: string | null,
): KubeApiError {
  const status = parseStatus(body);
  const reason = status?.reason ?? "";
  const effectiveCode = status?.code !== undefined && status.code !== 0 ? status.code : code;
  const detail =
    status?.message ?? (typeof body === "string" && body.length > 0 ? body.slice(0, 500) : `HTTP ${code}`);
  const message = `${what}: ${detail}`;
  if (effectiveCode === 404) return new NotFoundError(effectiveCode, reason, message, status);
  if (effectiveCode === 409 && reason === "AlreadyExists")
    return new AlreadyExistsError(effectiveCode, reason, message, status);
  if (effectiveCode === 409) return new ConflictError(effectiveCode, reason, message, status);
  if (effectiveCode === 410 || reason === "Expired" || reason === "Gone")
    return new GoneError(410, reason, message, status);
  if (effectiveCode === 422) return new InvalidError(effectiveCode, reason, message, status);
  if (effectiveCode === 429) {
    return new TooManyRequestsError(
      effectiveCode,
      reason,
      message,
      status,
      retryAfterMsFrom(retryAfterHeader, status),
    );
  }
  return new KubeApiError(effectiveCode, reason, message, status);
}

function retryAfterMsFrom(
  header: string | null | undefined,
  status: ApiStatus | undefined,
): number | undefined {
  if (header !== undefined && header !== null && header.trim() !== "") {
    const seconds = Number(header);
    if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  }
  const fromBody = status?.details?.retryAfterSeconds;
  return fromBody === undefined ? undefined : fromBody * 1000;
}

/** True for a 404 error. */
export function isNotFound(err: unknown): err is NotFoundError {
  return err instanceof NotFoundError;
}
/** True for an AlreadyExists error. */
export function isAlreadyExists(err: unknown): err is AlreadyExistsError {
  return err instanceof AlreadyExistsError;
}
/** True for a resourceVersion conflict. */
export function isConflict(err: unknown): err is ConflictError {
  return err instanceof ConflictError;
}
/** True for 410 Gone / Expired. */
export function isGone(err: unknown): err is GoneError {
  return err instanceof GoneError;
}
