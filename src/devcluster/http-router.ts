/**
 * The HTTP layer: routes requests to discovery, OpenAPI, and the resource verbs of {@link ApiCore},
 * negotiates Tables, applies fault injection, writes `Warning` headers and audit entries, and
 * answers every error with a `Status`.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ApiCore, DeleteOptions, FieldValidation, WriteResult } from "./api-core.js";
import type { AuditLog } from "./audit-log.js";
import { instantiateBuild } from "./build-instantiate.js";
import { coreVersions, group, groupList, resourceList } from "./discovery.js";
import {
  ApiError,
  badRequest,
  conflict,
  internalError,
  methodNotAllowed,
  successStatus,
  tooManyRequests,
  unsupportedMediaType,
  type StatusBody,
} from "./errors.js";
import { decideDelay, decideWriteFault, type FaultOptions } from "./faults.js";
import { listObjects } from "./list-objects.js";
import type { ObjectStore } from "./object-store.js";
import { openApiDocuments, openApiIndex } from "./openapi.js";
import { decodeProtobufObject } from "./protobuf-body.js";
import { parseRequestTarget, type RequestTarget } from "./request-target.js";
import { groupVersionOf, storageKeyOf, type ResourceDefinition } from "./resource-definition.js";
import type { ResourceRegistry } from "./resource-registry.js";
import { buildMatcher, SELECTABLE_FIELDS } from "./selectors.js";
import { toTable, type IncludeObject } from "./table.js";
import { isJsonObject, type KubeObject } from "./types.js";
import { serveWatch, type WatchHandle } from "./watch-stream.js";

/** What the router needs. */
export interface RouterDeps {
  core: ApiCore;
  store: ObjectStore;
  registry: ResourceRegistry;
  audit: AuditLog;
  faults: () => FaultOptions;
  now: () => Date;
  serverAddress: () => string;
  bookmarkIntervalMs: number;
  /** Called after every successful write (persistence). */
  afterWrite: () => void;
}

type Verb = "get" | "list" | "watch" | "create" | "update" | "patch" | "delete" | "deletecollection";

const MAX_BODY = 32 * 1024 * 1024;

function readBody(req: IncomingMessage): Promise<string> {
  return readBodyBuffer(req).then((b) => b.toString("utf8"));
}

function readBodyBuffer(req: IncomingMessage): Promise<Buffer> {
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

function parseJsonBody(text: string): unknown {
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw badRequest(`error decoding request body: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function send(
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

function notFoundPath(): StatusBody {
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

function fieldValidationOf(q: URLSearchParams): FieldValidation | undefined {
  const v = q.get("fieldValidation");
  if (v === null || v === "") return undefined;
  if (v === "Strict" || v === "Warn" || v === "Ignore") return v;
  throw badRequest(`fieldValidation parameter unsupported: ${v}; valid values are Ignore, Warn, Strict`);
}

function intParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === "") return undefined;
  const n = Number(v);
  if (!Number.isInteger(n))
    throw badRequest(`${name}: invalid value ${JSON.stringify(v)}: expected an integer`);
  return n;
}

function optional(q: URLSearchParams, name: string): string | undefined {
  return q.get(name) ?? undefined;
}

function wantsTable(req: IncomingMessage): boolean {
  return /as=Table/.test(req.headers.accept ?? "");
}

function warningHeaders(warnings: readonly string[]): Record<string, string[]> {
  return warnings.length === 0 ? {} : { Warning: warnings.map((w) => `299 - ${JSON.stringify(w)}`) };
}

/** Creates the request handler. */
export function createRouter(deps: RouterDeps): {
  handle(req: IncomingMessage, res: ServerResponse): void;
  closeWatches(): void;
} {
  const watches = new Set<WatchHandle>();
  const lineCaches = new Map<string, WeakMap<KubeObject, Map<string, string>>>();
  const newLineCache = (gv: string): WeakMap<KubeObject, Map<string, string>> => {
    const cache = new WeakMap<KubeObject, Map<string, string>>();
    lineCaches.set(gv, cache);
    return cache;
  };
  let openApiCache: { generation: number; docs: ReturnType<typeof openApiDocuments> } | undefined;
  const docs = (): ReturnType<typeof openApiDocuments> => {
    if (openApiCache?.generation !== deps.registry.generation)
      openApiCache = { generation: deps.registry.generation, docs: openApiDocuments(deps.registry.all()) };
    return openApiCache.docs;
  };

  const audit = (req: IncomingMessage, target: RequestTarget, verb: string, code: number): void => {
    const r = target.kind === "resource" ? target : undefined;
    deps.audit.record({
      verb,
      group: r?.group ?? "",
      version: r?.version ?? "",
      resource: r?.plural ?? "",
      subresource: r?.subresource ?? "",
      namespace: r?.namespace ?? (r?.plural === "namespaces" ? "" : ""),
      name: r?.name ?? "",
      userAgent: req.headers["user-agent"] ?? "",
      code,
      path: (req.url ?? "").split("?")[0] ?? "",
      time: deps.now().toISOString(),
    });
  };

  const nonResource = (path: string, res: ServerResponse): void => {
    const defs = deps.registry.all();
    const parts = path.split("/").filter((p) => p !== "");
    if (path === "/version" || path === "/version/")
      return send(res, 200, {
        major: "1",
        minor: "32",
        gitVersion: "v1.32.0-payload-dev",
        gitCommit: "",
        gitTreeState: "clean",
        buildDate: "2026-01-01T00:00:00Z",
        goVersion: "n/a",
        compiler: "n/a",
        platform: "linux/amd64",
      });
    if (path === "/healthz" || path === "/readyz" || path === "/livez") {
      res.writeHead(200, { "Content-Type": "text/plain" });
      res.end("ok");
      return;
    }
    if (parts[0] === "api" && parts.length === 1) return send(res, 200, coreVersions(deps.serverAddress()));
    if (parts[0] === "api" && parts.length === 2) {
      const list = resourceList(defs, "", parts[1] ?? "");
      return list === undefined ? send(res, 404, notFoundPath()) : send(res, 200, list);
    }
    if (parts[0] === "apis" && parts.length === 1) return send(res, 200, groupList(defs));
    if (parts[0] === "apis" && parts.length === 2) {
      const g = group(defs, parts[1] ?? "");
      return g === undefined ? send(res, 404, notFoundPath()) : send(res, 200, g);
    }
    if (parts[0] === "apis" && parts.length === 3) {
      const list = resourceList(defs, parts[1] ?? "", parts[2] ?? "");
      return list === undefined ? send(res, 404, notFoundPath()) : send(res, 200, list);
    }
    if (parts[0] === "openapi" && parts[1] === "v3") {
      const all = docs();
      if (parts.length === 2) return send(res, 200, openApiIndex(all));
      const doc = all.get(parts.slice(2).join("/"));
      if (doc !== undefined)
        return send(res, 200, doc.body, { ETag: `"${doc.hash}"`, "Cache-Control": "no-cache, private" });
    }
    send(res, 404, notFoundPath());
  };

  const verbOf = (
    method: string,
    t: Extract<RequestTarget, { kind: "resource" }>,
    q: URLSearchParams,
  ): Verb => {
    switch (method) {
      case "GET":
        if (t.name !== undefined) return "get";
        return q.get("watch") === "true" || q.get("watch") === "1" ? "watch" : "list";
      case "POST":
        return "create";
      case "PUT":
        return "update";
      case "PATCH":
        return "patch";
      case "DELETE":
        return t.name === undefined ? "deletecollection" : "delete";
      default:
        throw methodNotAllowed();
    }
  };

  const respondObject = (
    req: IncomingMessage,
    res: ServerResponse,
    def: ResourceDefinition,
    code: number,
    object: KubeObject,
    q: URLSearchParams,
    warnings: readonly string[] = [],
  ): void => {
    if (wantsTable(req) && req.method === "GET") {
      const include = (optional(q, "includeObject") ?? "Metadata") as IncludeObject;
      return send(
        res,
        code,
        toTable(def, [object], include, deps.now().getTime(), {
          resourceVersion: object.metadata.resourceVersion ?? "",
        }),
        warningHeaders(warnings),
      );
    }
    send(res, code, object, warningHeaders(warnings));
  };

  const rejectProtobuf = (req: IncomingMessage, verb: Verb): void => {
    const type = req.headers["content-type"] ?? "";
    if ((type.includes("protobuf") && verb !== "create" && verb !== "update") || type.includes("cbor"))
      throw unsupportedMediaType(type);
  };
  const readObjectBody = async (req: IncomingMessage): Promise<unknown> => {
    const type = req.headers["content-type"] ?? "";
    if (type.includes("protobuf")) return decodeProtobufObject(await readBodyBuffer(req), type);
    return parseJsonBody(await readBody(req));
  };

  const handleResource = async (
    req: IncomingMessage,
    res: ServerResponse,
    t: Extract<RequestTarget, { kind: "resource" }>,
    q: URLSearchParams,
    verb: Verb,
    onWatchStarted: () => void,
  ): Promise<void> => {
    const def = deps.registry.lookup(t.group, t.version, t.plural);
    if (def === undefined) return send(res, 404, notFoundPath());
    const sub = t.subresource;
    const subOk =
      sub === undefined ||
      (sub === "status" && def.statusSubresource && ["get", "update", "patch"].includes(verb)) ||
      (sub === "finalize" && def.plural === "namespaces" && verb === "update") ||
      (def.extraSubresources.includes(sub) && verb === "create");
    if (!subOk) return send(res, 404, notFoundPath());
    if (
      def.namespaced &&
      t.namespace === undefined &&
      !["list", "watch", "deletecollection"].includes(verb) &&
      !(verb === "create" && false)
    )
      if (verb !== "create") return send(res, 404, notFoundPath());
    const ns = def.namespaced ? t.namespace : undefined;
    const name = t.name ?? "";
    const isWrite = ["create", "update", "patch", "delete", "deletecollection"].includes(verb);
    if (isWrite) {
      rejectProtobuf(req, verb);
      const fault = decideWriteFault(deps.faults());
      if (fault.kind === "fail") {
        if (fault.code === 429) throw tooManyRequests(deps.faults().retryAfterSeconds ?? 1);
        if (fault.code === 409)
          throw conflict(
            { group: def.group, kind: def.plural, name: name || "unknown" },
            "the object has been modified; please apply your changes to the latest version and try again",
          );
        throw internalError("injected fault");
      }
    }
    const writeOpts = {
      fieldManager: optional(q, "fieldManager"),
      fieldValidation: fieldValidationOf(q),
      dryRun: q.has("dryRun"),
      userAgent: req.headers["user-agent"],
    };
    const finish = (r: WriteResult, code: number): void => {
      if (writeOpts.dryRun !== true) deps.afterWrite();
      respondObject(req, res, def, code, r.object, q, r.warnings);
    };
    switch (verb) {
      case "get":
        return respondObject(req, res, def, 200, deps.core.get(def, ns, name), q);
      case "list": {
        const page = listObjects(deps.store, def, ns, {
          labelSelector: optional(q, "labelSelector"),
          fieldSelector: optional(q, "fieldSelector"),
          limit: intParam(q, "limit"),
          continueToken: optional(q, "continue"),
        });
        const meta: Record<string, unknown> = { resourceVersion: page.resourceVersion };
        if (page.continueToken !== undefined) meta["continue"] = page.continueToken;
        if (page.remainingItemCount !== undefined) meta["remainingItemCount"] = page.remainingItemCount;
        const items = page.items.map((o) => deps.core.present(def, o));
        if (wantsTable(req))
          return send(
            res,
            200,
            toTable(
              def,
              items,
              (optional(q, "includeObject") ?? "Metadata") as IncludeObject,
              deps.now().getTime(),
              meta,
            ),
          );
        return send(res, 200, { kind: def.listKind, apiVersion: groupVersionOf(def), metadata: meta, items });
      }
      case "watch": {
        const table = wantsTable(req);
        const include = (optional(q, "includeObject") ?? "Metadata") as IncludeObject;
        const timeout = intParam(q, "timeoutSeconds");
        const sendInitial = q.get("sendInitialEvents");
        const handle = serveWatch(deps.store, res, {
          def,
          namespace: ns,
          matcher: buildMatcher(
            optional(q, "labelSelector"),
            optional(q, "fieldSelector"),
            SELECTABLE_FIELDS[storageKeyOf(def)] ?? [],
          ),
          resourceVersion: optional(q, "resourceVersion"),
          allowBookmarks: q.get("allowWatchBookmarks") === "true",
          sendInitialEvents: sendInitial === null ? undefined : sendInitial === "true",
          timeoutSeconds: timeout,
          bookmarkIntervalMs: deps.bookmarkIntervalMs,
          encode: (o, first) => {
            const p = deps.core.present(def, o);
            return table
              ? toTable(
                  def,
                  [p],
                  include,
                  deps.now().getTime(),
                  { resourceVersion: p.metadata.resourceVersion ?? "" },
                  first,
                )
              : p;
          },
          closeRate: () => deps.faults().watchCloseRate ?? 0,
          lineCache: table
            ? undefined
            : (lineCaches.get(groupVersionOf(def)) ?? newLineCache(groupVersionOf(def))),
        });
        watches.add(handle);
        res.on("close", () => watches.delete(handle));
        onWatchStarted();
        return;
      }
      case "create": {
        const body = await readObjectBody(req);
        if (sub === "instantiate") {
          const build = instantiateBuild(deps.core, deps.registry, ns ?? "", name, body, writeOpts);
          deps.afterWrite();
          return send(res, 201, build);
        }
        if (t.name !== undefined) throw methodNotAllowed();
        return finish(deps.core.create(def, ns, body, writeOpts), 201);
      }
      case "update": {
        const body = await readObjectBody(req);
        return finish(deps.core.update(def, ns, name, body, sub, writeOpts), 200);
      }
      case "patch": {
        const raw = await readBody(req);
        const r = deps.core.patch(def, ns, name, req.headers["content-type"] ?? "", raw, sub, {
          ...writeOpts,
          force: q.get("force") === "true",
        });
        return finish(r, r.created ? 201 : 200);
      }
      case "delete": {
        const opts = deleteOptionsOf(parseJsonBody(await readBody(req)), q);
        const r = deps.core.delete(def, ns, name, opts);
        if (opts.dryRun !== true) deps.afterWrite();
        if (r.removed && def.group === "" && def.plural !== "namespaces")
          return send(
            res,
            200,
            successStatus({
              group: def.group,
              kind: def.plural,
              name,
              ...(r.object.metadata.uid === undefined ? {} : { uid: r.object.metadata.uid }),
            }),
          );
        return send(res, 200, r.object);
      }
      case "deletecollection": {
        const opts = deleteOptionsOf(parseJsonBody(await readBody(req)), q);
        const page = listObjects(deps.store, def, ns, {
          labelSelector: optional(q, "labelSelector"),
          fieldSelector: optional(q, "fieldSelector"),
        });
        const items: KubeObject[] = [];
        for (const o of page.items) {
          try {
            items.push(deps.core.delete(def, o.metadata.namespace, o.metadata.name ?? "", opts).object);
          } catch (e) {
            if (!(e instanceof ApiError) || e.code !== 404) throw e;
          }
        }
        deps.afterWrite();
        return send(res, 200, {
          kind: def.listKind,
          apiVersion: groupVersionOf(def),
          metadata: { resourceVersion: String(deps.store.currentRv) },
          items,
        });
      }
    }
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const target = parseRequestTarget(url.pathname);
    let verb = req.method?.toLowerCase() ?? "get";
    const run = async (): Promise<void> => {
      const delay = decideDelay(deps.faults());
      if (delay > 0) await new Promise((r) => setTimeout(r, delay));
      if (target.kind === "nonResource") return nonResource(url.pathname, res);
      if (target.kind === "invalid") return send(res, 404, notFoundPath());
      verb = verbOf(req.method ?? "GET", target, url.searchParams);
      await handleResource(req, res, target, url.searchParams, verb as Verb, () => {
        audited = true;
        audit(req, target, verb, 200);
      });
    };
    let audited = false;
    res.on("finish", () => {
      if (!audited) audit(req, target, verb, res.statusCode);
    });
    run().catch((e: unknown) => {
      if (res.headersSent) {
        res.end();
        return;
      }
      const err = e instanceof ApiError ? e : internalError(e instanceof Error ? e.message : String(e));
      send(res, err.code, err.status, err.headers);
    });
  };

  return {
    handle,
    closeWatches: () => {
      for (const w of [...watches]) w.close();
    },
  };
}

function deleteOptionsOf(body: unknown, q: URLSearchParams): DeleteOptions {
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
