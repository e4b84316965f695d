/**
 * API errors as `metav1.Status` objects, with the reasons and messages the real API server uses.
 * Handlers throw {@link ApiError}; the router turns it into the HTTP response.
 */

/** One entry of `Status.details.causes`. */
export interface StatusCause {
  reason: string;
  message: string;
  field?: string;
}

/** Identifies the object an error is about, for `Status.details`. */
export interface ErrorTarget {
  group: string;
  kind: string;
  name?: string;
}

/** `metav1.Status` as served. */
export interface StatusBody {
  kind: "Status";
  apiVersion: "v1";
  /** ListMeta: only `continue` is ever set (an expired continue token's inconsistent successor). */
  metadata: { continue?: string };
  status: "Failure" | "Success";
  message: string;
  /** Absent on errors that are not API errors (see {@link storageError}). */
  reason?: string;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    causes?: StatusCause[];
    retryAfterSeconds?: number;
  };
  code: number;
}

/** An error carrying the `Status` the API server answers with. */
export class ApiError extends Error {
  /** Extra response headers, e.g. `Retry-After`. */
  readonly headers: Record<string, string>;
  constructor(
    readonly status: StatusBody,
    headers: Record<string, string> = {},
  ) {
    super(status.message);
    this.headers = headers;
  }
  /** HTTP status code. */
  get code(): number {
    return this.status.code;
  }
}

function qualified(target: ErrorTarget): string {
  return target.group === "" ? target.kind : `${target.kind}.${target.group}`;
}

function failure(
  code: number,
  reason: string,
  message: string,
  target?: ErrorTarget,
  causes?: StatusCause[],
): StatusBody {
  const details: NonNullable<StatusBody["details"]> = {};
  if (target !== undefined) {
    if (target.name !== undefined && target.name !== "") details.name = target.name;
    details.group = target.group;
    details.kind = target.kind;
  }
  if (causes !== undefined) details.causes = causes;
  const body: StatusBody = {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message,
    reason,
    code,
  };
  if (target !== undefined || causes !== undefined) body.details = details;
  return body;
}

/** 404 `NotFound`: `<resource>.<group> "<name>" not found`. `target.kind` is the plural resource. */
export function notFound(target: ErrorTarget & { name: string }): ApiError {
  return new ApiError(failure(404, "NotFound", `${qualified(target)} "${target.name}" not found`, target));
}

/** 409 `AlreadyExists`. `target.kind` is the plural resource. */
export function alreadyExists(target: ErrorTarget & { name: string }): ApiError {
  return new ApiError(
    failure(409, "AlreadyExists", `${qualified(target)} "${target.name}" already exists`, target),
  );
}

/** 409 `Conflict` for a stale resourceVersion or a failed precondition. */
export function conflict(target: ErrorTarget & { name: string }, why: string): ApiError {
  return new ApiError(
    failure(
      409,
      "Conflict",
      `Operation cannot be fulfilled on ${qualified(target)} "${target.name}": ${why}`,
      target,
    ),
  );
}

/** 409 `Conflict` from server-side apply, one cause per conflicting field. */
export function applyConflict(target: ErrorTarget & { name: string }, causes: StatusCause[]): ApiError {
  const lines = causes.map((c) => `- ${c.message}`).join("\n");
  return new ApiError(
    failure(
      409,
      "Conflict",
      `Apply failed with ${causes.length} conflict${causes.length === 1 ? "" : "s"}: ${lines}`,
      target,
      causes,
    ),
  );
}

/** 422 `Invalid`: `<Kind>.<group> "<name>" is invalid: [causes]`. `target.kind` is the Kind. */
export function invalid(target: ErrorTarget & { name: string }, causes: StatusCause[]): ApiError {
  const parts = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message));
  const joined = parts.length === 1 ? (parts[0] ?? "") : `[${parts.join(", ")}]`;
  return new ApiError(
    failure(422, "Invalid", `${qualified(target)} "${target.name}" is invalid: ${joined}`, target, causes),
  );
}

/** 400 `BadRequest`. */
export function badRequest(message: string): ApiError {
  return new ApiError(failure(400, "BadRequest", message));
}

/** 403 `Forbidden`, e.g. creating in a terminating namespace. */
export function forbidden(target: ErrorTarget & { name: string }, why: string): ApiError {
  return new ApiError(
    failure(403, "Forbidden", `${qualified(target)} "${target.name}" is forbidden: ${why}`, target),
  );
}

/** 405 `MethodNotAllowed`. */
export function methodNotAllowed(
  message = "the server does not allow this method on the requested resource",
): ApiError {
  return new ApiError(failure(405, "MethodNotAllowed", message));
}

/** 415 `UnsupportedMediaType`. */
export function unsupportedMediaType(contentType: string): ApiError {
  return new ApiError(
    failure(
      415,
      "UnsupportedMediaType",
      `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml; got ${contentType}`,
    ),
  );
}

/**
 * 410 `Expired` (`Gone`), for a resourceVersion older than the retained history; `continueToken`
 * goes into the Status's list metadata (an expired list's inconsistent continuation).
 */
export function gone(message: string, continueToken?: string): ApiError {
  const body = failure(410, "Expired", message);
  if (continueToken !== undefined) body.metadata = { continue: continueToken };
  return new ApiError(body);
}

/** 429 `TooManyRequests` with `Retry-After`. */
export function tooManyRequests(retryAfterSeconds: number): ApiError {
  const body = failure(
    429,
    "TooManyRequests",
    "the server has received too many requests and has asked us to try again later",
  );
  body.details = { retryAfterSeconds };
  return new ApiError(body, { "Retry-After": String(retryAfterSeconds) });
}

/** 500 `InternalError`. */
export function internalError(message: string): ApiError {
  return new ApiError(failure(500, "InternalError", `Internal error occurred: ${message}`));
}

/**
 * 500 without a reason: kube-apiserver's answer to an error of its storage layer that is no API
 * error (e.g. `resourceVersion should not be set on objects to be created`), the message as is.
 */
export function storageError(message: string): ApiError {
  const { reason: _reason, ...body } = failure(500, "", message);
  return new ApiError(body);
}

/** A `Status` with `status: Success`, as returned by some deletes. */
export function successStatus(
  target: ErrorTarget & { name: string; uid?: string },
): StatusBody & { details: { uid?: string } } {
  const details: { name: string; group: string; kind: string; uid?: string } = {
    name: target.name,
    group: target.group,
    kind: target.kind,
  };
  if (target.uid !== undefined) details.uid = target.uid;
  return {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Success",
    message: "",
    reason: "",
    details,
    code: 200,
  };
}
