/** HTTP plumbing of the router: bodies, JSON responses, query parameters and DeleteOptions. */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { DeleteOptions, FieldValidation } from "./api-core.js";
import { ApiError, badRequest, type StatusBody } from "./errors.js";
import { isJsonObject } from "./types.js";

const MAX_BODY = 32 * 1024 * 1024;

/** Reads a request body as UTF-8 text. */
export function readBody(req: IncomingMessage): Promise<string> {
  return readBodyBuffer(req).then((b) => b.toString("utf8"));
}

/** Reads a request body (at most 32 MiB, else 413). */
export function readBodyBuffer(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY)
        reject(
          new ApiError({
            kind: "Status",
            apiVersion: "v1",
            metadata: {},
            status: "Failure",
            reason: "RequestEntityTooLarge",
            message: "the request body is too large",
            code: 413,
          }),
        );
      else chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** Parses a JSON body (undefined when empty); 400 when malformed. */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw badRequest(`error decoding request body: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Writes a JSON (or pre-serialised) response. */
export function send(
  res: ServerResponse,
  code: number,
  body: unknown,
  headers: Record<string, string | string[]> = {},
): void {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  res.writeHead(code, {
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** The Status for a path nothing is served at. */
export function notFoundPath(): StatusBody {
  return {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message: "the server could not find the requested resource",
    reason: "NotFound",
    details: {},
    code: 404,
  };
}

/** The `fieldValidation` parameter; 400 for unknown values. */
export function fieldValidationOf(q: URLSearchParams): FieldValidation | undefined {
  const v = q.get("fieldValidation");
  if (v === null || v === "") return undefined;
  if (v === "Strict" || v === "Warn" || v === "Ignore") return v;
  throw badRequest(`fieldValidation parameter unsupported: ${v}; valid values are Ignore, Warn, Strict`);
}

/** An integer query parameter; 400 when not an integer. */
export function intParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === "") return undefined;
  const n = Number(v);
  if (!Number.isInteger(n))
    throw badRequest(`${name}: invalid value ${JSON.stringify(v)}: expected an integer`);
  return n;
}

/** A query parameter or undefined. */
export function optional(q: URLSearchParams, name: string): string | undefined {
  return q.get(name) ?? undefined;
}

/** True when the client asks for server-side printing (`as=Table`). */
export function wantsTable(req: IncomingMessage): boolean {
  return /as=Table/.test(req.headers.accept ?? "");
}

/** `Warning: 299 - "..."` headers. */
export function warningHeaders(warnings: readonly string[]): Record<string, string[]> {
  return warnings.length === 0 ? {} : { Warning: warnings.map((w) => `299 - ${JSON.stringify(w)}`) };
}

/** DeleteOptions from the body and query (propagationPolicy, orphanDependents, preconditions, dryRun). */
export function deleteOptionsOf(body: unknown, q: URLSearchParams): DeleteOptions {
  const opts: DeleteOptions = {};
  const b = isJsonObject(body) ? body : {};
  const policy = b["propagationPolicy"] ?? q.get("propagationPolicy") ?? undefined;
  if (policy === "Background" || policy === "Foreground" || policy === "Orphan")
    opts.propagationPolicy = policy;
  else if (policy !== undefined && policy !== null)
    throw badRequest(
      `propagationPolicy: Unsupported value: ${JSON.stringify(policy)}: supported values: "Foreground", "Background", "Orphan"`,
    );
  if (b["orphanDependents"] === true || q.get("orphanDependents") === "true")
    opts.propagationPolicy = "Orphan";
  const pre = b["preconditions"];
  if (isJsonObject(pre)) {
    opts.preconditions = {};
    if (typeof pre["uid"] === "string") opts.preconditions.uid = pre["uid"];
    if (typeof pre["resourceVersion"] === "string")
      opts.preconditions.resourceVersion = pre["resourceVersion"];
  }
  if ((Array.isArray(b["dryRun"]) && b["dryRun"].length > 0) || q.has("dryRun")) opts.dryRun = true;
  return opts;
}
