/**
 * `KubeClient`: the one door to the Kubernetes API. Thin, typed, generic over resource
 * descriptors; authentication, TLS and the kubeconfig come from `@kubernetes/client-node`.
 */
import { describeConnectionFailure } from "./connection-failure.js";
// client-node's own modules, not its main entry (see slim-client-node.ts).
import type { KubeConfig } from "@kubernetes/client-node/dist/config.js";
import { HttpMethod, RequestContext } from "@kubernetes/client-node/dist/gen/http/http.js";
import { IsomorphicFetchHttpLibrary } from "@kubernetes/client-node/dist/gen/http/isomorphic-fetch.js";
import { z } from "zod";
import { kubeErrorFrom, KubeApiError, TooManyRequestsError } from "./kube-errors.js";
import type { KubeObject } from "./kube-object.js";
import {
  apiVersionOf,
  formatObjectKey,
  resourcePath,
  type KubeResource,
  type ObjectKey,
} from "./resource.js";
import { startWatch, type WatchHandle, type WatchEvent, type WatchOptions } from "./kube-watch.js";

/** An object to send: at least a name (or generateName) and, for namespaced kinds, a namespace. */
export type KubeObjectInput = {
  readonly metadata: {
    readonly name?: string | undefined;
    readonly generateName?: string | undefined;
    readonly namespace?: string | undefined;
    readonly [k: string]: unknown;
  };
  readonly [k: string]: unknown;
};

/** One RFC 6902 operation. `test` ops make a patch conditional. */
export type JsonPatchOperation =
  | { readonly op: "add" | "replace" | "test"; readonly path: string; readonly value: unknown }
  | { readonly op: "remove"; readonly path: string }
  | { readonly op: "move" | "copy"; readonly from: string; readonly path: string };

/**
 * A patch with its content type made explicit (client-node's generated clients default to JSON
 * patch and silently mis-send merge patches; here the type is part of the value).
 */
export type Patch =
  | { readonly type: "merge"; readonly body: object }
  | { readonly type: "json"; readonly operations: readonly JsonPatchOperation[] }
  | {
      readonly type: "apply";
      readonly body: object;
      readonly fieldManager: string;
      readonly force?: boolean;
    };

/** Selectors and paging for list calls. */
export interface ListOptions {
  /** Omit for all namespaces (namespaced kinds) or for cluster-scoped kinds. */
  readonly namespace?: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  /** Page size; `listAll` follows `continue` tokens. */
  readonly limit?: number;
  readonly continue?: string;
}

/** A page of a list and the collection's resourceVersion (to start a watch from). */
export interface ListResult<T> {
  readonly items: readonly T[];
  readonly resourceVersion: string;
  readonly continue: string | undefined;
}

/** Options of delete calls. */
export interface DeleteOptions {
  readonly propagationPolicy?: "Foreground" | "Background" | "Orphan";
  readonly preconditions?: { readonly uid?: string; readonly resourceVersion?: string };
}

/**
 * Typed CRUD, status and watch calls. Every method throws a {@link KubeApiError} subclass
 * (`NotFoundError`, `ConflictError`, ...) on a non-2xx answer, and an `Error` naming the object
 * when the answer does not match the resource's schema.
 */
export interface KubeClient {
  get<T extends KubeObject>(resource: KubeResource<T>, key: ObjectKey): Promise<T>;
  list<T extends KubeObject>(resource: KubeResource<T>, options?: ListOptions): Promise<ListResult<T>>;
  /** Lists every page (following `continue`); the resourceVersion is the first page's. */
  listAll<T extends KubeObject>(resource: KubeResource<T>, options?: ListOptions): Promise<ListResult<T>>;
  create<T extends KubeObject>(resource: KubeResource<T>, obj: KubeObjectInput): Promise<T>;
  /** PUT; include `metadata.resourceVersion` for optimistic concurrency (409 when stale). */
  replace<T extends KubeObject>(resource: KubeResource<T>, obj: KubeObjectInput): Promise<T>;
  patch<T extends KubeObject>(resource: KubeResource<T>, key: ObjectKey, patch: Patch): Promise<T>;
  /** PUT to `/status`: only status is written, the rest of the body is ignored by the server. */
  replaceStatus<T extends KubeObject>(resource: KubeResource<T>, obj: KubeObjectInput): Promise<T>;
  /** PATCH to `/status`. */
  patchStatus<T extends KubeObject>(resource: KubeResource<T>, key: ObjectKey, patch: Patch): Promise<T>;
  delete(resource: KubeResource, key: ObjectKey, options?: DeleteOptions): Promise<void>;
  /**
   * Opens one watch stream. `onEvent` runs synchronously per event and must only record it;
   * `onDone` runs once: with no argument when the stream ended normally (server timeout, idle
   * timeout, close), with an error otherwise. Never throws for stream failures.
   */
  watch<T extends KubeObject>(
    resource: KubeResource<T>,
    options: WatchOptions,
    onEvent: (event: WatchEvent<T>) => void,
    onDone: (err?: Error) => void,
  ): Promise<WatchHandle>;
}

/** Options of {@link createKubeClient}. */
export interface KubeClientOptions {
  /** Per-request timeout (not for watches). Default 30 s. */
  readonly requestTimeoutMs?: number;
  /**
   * `User-Agent` of every request but watches (unset: the HTTP library's), so an API server's
   * audit log tells this client's writes from another's (e.g. two operator replicas).
   */
  readonly userAgent?: string;
  /**
   * How often a request answered 429 with a `Retry-After` is sent again, each time only after that
   * many seconds (client-go's rest client: 10); then the {@link TooManyRequestsError} is thrown.
   * A throttled request was not processed, so resending it is safe for every verb. Default 10.
   */
  readonly throttleRetries?: number;
  /** The longest `Retry-After` waited for (longer ones are thrown at once). Default 60 s. */
  readonly maxRetryAfterMs?: number;
  /**
   * Send every request (not watches) over one connection pool: the first request's dispatcher is
   * kept and reused, where client-node makes a new one (a new connection, a TLS handshake on
   * https) per request. Off by default; the operator turns it on (`src/main.ts`), as do the benches'
   * own clients (simulated build system, status polls).
   */
  readonly reuseConnections?: boolean;
}

const listSchema = z.looseObject({
  metadata: z
    .looseObject({ resourceVersion: z.string().optional(), continue: z.string().optional() })
    .optional(),
  items: z.array(z.unknown()).nullable().optional(),
});

/** Builds a {@link KubeClient} over a loaded `KubeConfig` (its current context). */
export function createKubeClient(kubeConfig: KubeConfig, options: KubeClientOptions = {}): KubeClient {
  const http = new IsomorphicFetchHttpLibrary();
  const timeoutMs = options.requestTimeoutMs ?? 30_000;
  const throttleRetries = options.throttleRetries ?? 10;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 60_000;
  /** How long to wait before sending a throttled request again, or undefined to throw `error`. */
  const throttledWaitMs = (error: KubeApiError, throttled: number): number | undefined => {
    if (!(error instanceof TooManyRequestsError) || throttled >= throttleRetries) return undefined;
    const ms = error.retryAfterMs;
    return ms === undefined || ms > maxRetryAfterMs ? undefined : ms;
  };

  let sharedDispatcher: ReturnType<RequestContext["getDispatcher"]>;

  async function request(
    method: HttpMethod,
    path: string,
    query: Record<string, string | undefined>,
    body?: unknown,
    contentType?: string,
    throttled = 0,
  ): Promise<unknown> {
    const cluster = kubeConfig.getCurrentCluster();
    if (cluster === null) throw new Error("kubeconfig has no current cluster");
    const url = new URL(cluster.server.replace(/\/$/, "") + path);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, v);
    const ctx = new RequestContext(url.toString(), method);
    ctx.setHeaderParam("Accept", "application/json");
    if (options.userAgent !== undefined) ctx.setHeaderParam("User-Agent", options.userAgent);
    if (body !== undefined) {
      ctx.setHeaderParam("Content-Type", contentType ?? "application/json");
      ctx.setBody(JSON.stringify(body));
    }
    ctx.setSignal(AbortSignal.timeout(timeoutMs));
    await kubeConfig.applySecurityAuthentication(ctx);
    if (options.reuseConnections === true) {
      sharedDispatcher ??= ctx.getDispatcher();
      if (sharedDispatcher !== undefined) ctx.setDispatcher(sharedDispatcher);
    }
    const what = `${method} ${path}`;
    let response;
    try {
      response = await http.send(ctx).toPromise();
    } catch (err: unknown) {
      throw new KubeApiError(0, "", `${what}: ${describeConnectionFailure(err, cluster.server)}`, undefined);
    }
    const text = await response.body.text();
    if (response.httpStatusCode < 200 || response.httpStatusCode > 299) {
      const error = kubeErrorFrom(response.httpStatusCode, text, what, response.headers["retry-after"]);
      const waitMs = throttledWaitMs(error, throttled);
      if (waitMs === undefined) throw error;
      await new Promise((resolve) => setTimeout(resolve, waitMs));
      return request(method, path, query, body, contentType, throttled + 1);
    }
    if (text === "") return undefined;
    try {
      return JSON.parse(text);
    } catch {
      throw new KubeApiError(response.httpStatusCode, "", `${what}: response is not JSON`, undefined);
    }
  }

  function parse<T extends KubeObject>(resource: KubeResource<T>, value: unknown, where: string): T {
    const parsed = resource.schema.safeParse(value);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
      throw new Error(`${resource.kind} ${where} does not match its schema: ${issues}`);
    }
    return parsed.data;
  }

  function keyOf(resource: KubeResource, obj: KubeObjectInput): ObjectKey {
    const name = obj.metadata.name;
    if (name === undefined) throw new Error(`${resource.kind}: metadata.name is required here`);
    return obj.metadata.namespace === undefined ? { name } : { namespace: obj.metadata.namespace, name };
  }

  function withTypeMeta(resource: KubeResource, obj: KubeObjectInput): KubeObjectInput {
    return { ...obj, apiVersion: apiVersionOf(resource), kind: resource.kind };
  }

  async function sendPatch<T extends KubeObject>(
    resource: KubeResource<T>,
    key: ObjectKey,
    patch: Patch,
    subresource?: string,
  ): Promise<T> {
    const path = resourcePath(resource, { namespace: key.namespace, name: key.name, subresource });
    const where = formatObjectKey(key);
    switch (patch.type) {
      case "merge":
        return parse(
          resource,
          await request(HttpMethod.PATCH, path, {}, patch.body, "application/merge-patch+json"),
          where,
        );
      case "json":
        return parse(
          resource,
          await request(HttpMethod.PATCH, path, {}, patch.operations, "application/json-patch+json"),
          where,
        );
      case "apply": {
        const query = { fieldManager: patch.fieldManager, force: patch.force === true ? "true" : undefined };
        const body = { apiVersion: apiVersionOf(resource), kind: resource.kind, ...patch.body };
        return parse(
          resource,
          await request(HttpMethod.PATCH, path, query, body, "application/apply-patch+yaml"),
          where,
        );
      }
    }
  }

  async function list<T extends KubeObject>(
    resource: KubeResource<T>,
    options: ListOptions = {},
  ): Promise<ListResult<T>> {
    const path = resourcePath(resource, { namespace: options.namespace });
    const raw = await request(HttpMethod.GET, path, {
      labelSelector: options.labelSelector,
      fieldSelector: options.fieldSelector,
      limit: options.limit === undefined ? undefined : String(options.limit),
      continue: options.continue,
    });
    const parsed = listSchema.safeParse(raw);
    if (!parsed.success) throw new Error(`${resource.kind} list at ${path} is not a list`);
    const apiVersion = apiVersionOf(resource);
    const items = (parsed.data.items ?? []).map((item, i) =>
      parse(
        resource,
        typeof item === "object" && item !== null ? { apiVersion, kind: resource.kind, ...item } : item,
        `${path}[${i}]`,
      ),
    );
    const cont = parsed.data.metadata?.continue;
    return {
      items,
      resourceVersion: parsed.data.metadata?.resourceVersion ?? "",
      continue: cont === "" ? undefined : cont,
    };
  }

  return {
    async get(resource, key) {
      return parse(
        resource,
        await request(HttpMethod.GET, resourcePath(resource, key), {}),
        formatObjectKey(key),
      );
    },
    list,
    async listAll(resource, options = {}) {
      const first = await list(resource, options);
      const items = [...first.items];
      let cont = first.continue;
      while (cont !== undefined) {
        const page = await list(resource, { ...options, continue: cont });
        items.push(...page.items);
        cont = page.continue;
      }
      return { items, resourceVersion: first.resourceVersion, continue: undefined };
    },
    async create(resource, obj) {
      if (resource.namespaced && obj.metadata.namespace === undefined) {
        throw new Error(
          `${resource.kind} ${obj.metadata.name ?? obj.metadata.generateName ?? ""}: metadata.namespace is required to create it`,
        );
      }
      const path = resourcePath(resource, { namespace: obj.metadata.namespace });
      return parse(
        resource,
        await request(HttpMethod.POST, path, {}, withTypeMeta(resource, obj)),
        obj.metadata.name ?? "(generated)",
      );
    },
    async replace(resource, obj) {
      const key = keyOf(resource, obj);
      return parse(
        resource,
        await request(HttpMethod.PUT, resourcePath(resource, key), {}, withTypeMeta(resource, obj)),
        formatObjectKey(key),
      );
    },
    patch: (resource, key, patch) => sendPatch(resource, key, patch),
    async replaceStatus(resource, obj) {
      const key = keyOf(resource, obj);
      const path = resourcePath(resource, { ...key, subresource: "status" });
      return parse(
        resource,
        await request(HttpMethod.PUT, path, {}, withTypeMeta(resource, obj)),
        formatObjectKey(key),
      );
    },
    patchStatus: (resource, key, patch) => sendPatch(resource, key, patch, "status"),
    async delete(resource, key, options = {}) {
      const body = { apiVersion: "v1", kind: "DeleteOptions", ...options };
      await request(HttpMethod.DELETE, resourcePath(resource, key), {}, body);
    },
    watch: (resource, options, onEvent, onDone) => startWatch(kubeConfig, resource, options, onEvent, onDone),
  };
}
