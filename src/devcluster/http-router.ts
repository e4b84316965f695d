/**
 * The HTTP layer: routes requests to discovery, OpenAPI, and the resource verbs of {@link ApiCore},
 * negotiates Tables, applies fault injection, writes `Warning` headers and audit entries, and
 * answers every error with a `Status`.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ApiCore, WriteResult } from "./api-core.js";
import type { AuditLog } from "./audit-log.js";
import { instantiateBuild } from "./build-instantiate.js";
import {
  ApiError,
  badRequest,
  conflict,
  internalError,
  methodNotAllowed,
  storageError,
  successStatus,
  tooManyRequests,
  unsupportedMediaType,
} from "./errors.js";
import { decideDelay, decideWriteFault, type FaultOptions } from "./faults.js";
import {
  deleteOptionsOf,
  fieldValidationOf,
  intParam,
  notFoundPath,
  optional,
  parseJsonBody,
  readBody,
  readBodyBuffer,
  send,
  wantsTable,
  warningHeaders,
} from "./http-io.js";
import { listObjects } from "./list-objects.js";
import { createNonResourceHandler } from "./non-resource-routes.js";
import type { ObjectStore } from "./object-store.js";
import { decodeProtobufObject } from "./protobuf-body.js";
import { parseRequestTarget, type RequestTarget } from "./request-target.js";
import { groupVersionOf, resourceKeyOf, type ResourceDefinition } from "./resource-definition.js";
import type { ResourceRegistry } from "./resource-registry.js";
import { matcherForResource } from "./selectors.js";
import { toTable, type IncludeObject } from "./table.js";
import type { KubeObject } from "./types.js";
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

/** Creates the request handler. */
export function createRouter(deps: RouterDeps): {
  handle(req: IncomingMessage, res: ServerResponse): void;
  closeWatches(): void;
} {
  const watches = new Set<WatchHandle>();
  const nonResource = createNonResourceHandler(deps);
  const lineCaches = new Map<string, WeakMap<KubeObject, Map<string, string>>>();
  const newLineCache = (gv: string): WeakMap<KubeObject, Map<string, string>> => {
    const cache = new WeakMap<KubeObject, Map<string, string>>();
    lineCaches.set(gv, cache);
    return cache;
  };

  // The name of the object a create sends, for its audit entry (kube-apiserver's audit log names it too).
  const createdNames = new WeakMap<IncomingMessage, string>();
  const audit = (req: IncomingMessage, target: RequestTarget, verb: string, code: number): void => {
    const r = target.kind === "resource" ? target : undefined;
    deps.audit.record({
      verb,
      group: r?.group ?? "",
      version: r?.version ?? "",
      resource: r?.plural ?? "",
      subresource: r?.subresource ?? "",
      namespace: r?.namespace ?? (r?.plural === "namespaces" ? "" : ""),
      name: r?.name ?? createdNames.get(req) ?? "",
      userAgent: req.headers["user-agent"] ?? "",
      code,
      path: (req.url ?? "").split("?")[0] ?? "",
      time: deps.now().toISOString(),
    });
  };

  const nameCreate = (req: IncomingMessage, body: unknown): void => {
    const meta = typeof body === "object" && body !== null ? (body as KubeObject).metadata : undefined;
    if (typeof meta?.name === "string") createdNames.set(req, meta.name);
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
    // Namespaced kinds are reachable without a namespace only to list and watch across namespaces
    // (kube-apiserver answers other methods on that collection with 405, on its items with 404);
    // cluster-scoped kinds never under a namespace.
    if (def.namespaced && t.namespace === undefined && verb !== "list" && verb !== "watch")
      return t.name === undefined && sub === undefined
        ? send(res, 405, { ...methodNotAllowed().status, details: {} })
        : send(res, 404, notFoundPath());
    if (!def.namespaced && t.namespace !== undefined) return send(res, 404, notFoundPath());
    const ns = def.namespaced ? t.namespace : undefined;
    const name = t.name ?? "";
    const isWrite = ["create", "update", "patch", "delete", "deletecollection"].includes(verb);
    if (isWrite) {
      rejectProtobuf(req, verb);
      const fault = decideWriteFault(deps.faults(), Math.random, req.headers["user-agent"]);
      if (fault.kind === "fail") {
        if (verb === "create") nameCreate(req, await readObjectBody(req));
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
        const invalidRv = invalidResourceVersion(q);
        if (invalidRv !== undefined) throw badRequest(`invalid resource version: ${invalidRv}`);
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
        // kube-apiserver fails the request before the stream starts (a 500 from its storage layer).
        const invalidRv = invalidResourceVersion(q);
        if (invalidRv !== undefined) throw storageError(invalidRv);
        const table = wantsTable(req);
        const include = (optional(q, "includeObject") ?? "Metadata") as IncludeObject;
        const timeout = intParam(q, "timeoutSeconds");
        const sendInitial = q.get("sendInitialEvents");
        const handle = serveWatch(deps.store, res, {
          def,
          namespace: ns,
          matcher: matcherForResource(
            resourceKeyOf(def),
            optional(q, "labelSelector"),
            optional(q, "fieldSelector"),
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
          lifetimeMs: decideDelay({ delayMs: deps.faults().watchLifetimeMs ?? 0 }),
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
        nameCreate(req, body);
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

/**
 * kube-apiserver's message for a `resourceVersion` query parameter that is no unsigned integer
 * (etcd revisions are), or undefined when it is one or absent.
 */
function invalidResourceVersion(q: URLSearchParams): string | undefined {
  const rv = q.get("resourceVersion");
  if (rv === null || rv === "" || /^\d+$/.test(rv)) return undefined;
  return `resourceVersion: Invalid value: ${JSON.stringify(rv)}: strconv.ParseUint: parsing ${JSON.stringify(rv)}: invalid syntax`;
}
