/**
 * Declarative wiring of a controller (controller-runtime's builder):
 * `For(primary)`, `Owns(child)` mapped through controller owner references, `Watches(kind, map)`.
 */
import type { Logger } from "pino";
import type { KubeObject } from "../kube/kube-object.js";
import { formatObjectKey, type KubeResource, type ObjectKey } from "../kube/resource.js";
import type { RuntimeMetrics } from "../observability/runtime-metrics.js";
import type { Clock } from "./clock.js";
import { Controller, type Reconciler } from "./controller.js";
import type { DebounceOptions } from "./debounce.js";
import type { Informer, InformerCache, InformerScope } from "./informer-cache.js";
import type { RateLimiterOptions } from "./rate-limiter.js";
import { keyOfObject } from "./store.js";
import type { WatcherEvent } from "./watcher.js";

/** Maps a changed object of a watched kind to the primary keys to reconcile. Pure and cheap. */
export type KeyMapper<T> = (obj: T) => readonly ObjectKey[];

/** Decides whether a change should reach the queue (controller-runtime's predicates). Pure. */
export type EventFilter<T> = (event: WatcherEvent<T>) => boolean;

/**
 * Lets an update through only when `metadata.generation` changed (a spec change), so a
 * controller's own status writes do not wake it again. Adds, deletes and resyncs always pass.
 * Only for kinds whose generation the server maintains (custom resources with a status
 * subresource, most built-in workloads).
 */
export function generationChanged(event: WatcherEvent<KubeObject>): boolean {
  return event.type !== "updated" || event.previous.metadata.generation !== event.object.metadata.generation;
}

/** What the builder needs from its manager. */
export interface ControllerBuilderDeps {
  readonly name: string;
  readonly cache: InformerCache;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics?: RuntimeMetrics;
  /** Called with the finished controller (the manager starts and stops it). */
  readonly register?: (controller: Controller) => void;
}

type Source = (controller: Controller) => void;

/** The `group` of an `apiVersion` (`""` for core). */
function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf("/");
  return slash < 0 ? "" : apiVersion.slice(0, slash);
}

/**
 * Keys of the primaries that control `obj`: its controller owner reference, if it points to a
 * `primary` (same group and kind). Owners live in the child's namespace (or are cluster-scoped).
 */
export function ownerKeys(primary: KubeResource, obj: KubeObject): readonly ObjectKey[] {
  const ref = obj.metadata.ownerReferences?.find((r) => r.controller === true);
  if (ref === undefined || ref.kind !== primary.kind || groupOf(ref.apiVersion) !== primary.group) return [];
  const ns = obj.metadata.namespace;
  return [primary.namespaced && ns !== undefined ? { namespace: ns, name: ref.name } : { name: ref.name }];
}

/** See the module documentation. Call `for` first, then any `owns`/`watches`, then `complete`. */
export class ControllerBuilder {
  readonly #deps: ControllerBuilderDeps;
  #primary: Informer<KubeObject> | undefined;
  readonly #sources: Source[] = [];
  #maxConcurrent = 1;
  #rateLimiter: RateLimiterOptions | undefined;
  #debounce: DebounceOptions | undefined;

  constructor(deps: ControllerBuilderDeps) {
    this.#deps = deps;
  }

  /**
   * The reconciled kind: each change of one of its objects (that passes `filter`, if given)
   * enqueues that object's key.
   */
  for<T extends KubeObject>(
    resource: KubeResource<T>,
    scope: InformerScope = {},
    filter?: EventFilter<T>,
  ): this {
    if (this.#primary !== undefined)
      throw new Error(`controller ${this.#deps.name}: for() was already called`);
    const informer = this.#deps.cache.informer(resource, scope);
    this.#primary = informer as unknown as Informer<KubeObject>;
    this.#sources.push((c) => {
      c.waitForStore(informer.store);
      informer.on((e) => {
        if (filter === undefined || filter(e)) c.enqueue(keyOfObject(e.object));
      });
    });
    return this;
  }

  /** A child kind: a change of a child enqueues the primary named by its controller owner reference. */
  owns<T extends KubeObject>(
    resource: KubeResource<T>,
    scope: InformerScope = {},
    filter?: EventFilter<T>,
  ): this {
    const primary = this.#primary;
    if (primary === undefined) throw new Error(`controller ${this.#deps.name}: call for() before owns()`);
    return this.watches(resource, (obj) => ownerKeys(primary.resource, obj), scope, filter);
  }

  /**
   * Any kind, mapped to primary keys by `mapper` (for updates, both versions are mapped);
   * changes failing `filter` are ignored.
   */
  watches<T extends KubeObject>(
    resource: KubeResource<T>,
    mapper: KeyMapper<T>,
    scope: InformerScope = {},
    filter?: EventFilter<T>,
  ): this {
    const informer = this.#deps.cache.informer(resource, scope);
    this.#sources.push((c) => {
      c.waitForStore(informer.store);
      informer.on((e: WatcherEvent<T>) => {
        if (filter !== undefined && !filter(e)) return;
        const objects = e.type === "updated" ? [e.previous, e.object] : [e.object];
        for (const obj of objects) for (const key of mapper(obj)) c.enqueue(formatObjectKey(key));
      });
    });
    return this;
  }

  /** At most `n` reconciles at once (distinct keys). Default 1. */
  withMaxConcurrentReconciles(n: number): this {
    this.#maxConcurrent = n;
    return this;
  }

  /** Retry backoff and global rate limit of the queue. */
  withRateLimiter(options: RateLimiterOptions): this {
    this.#rateLimiter = options;
    return this;
  }

  /**
   * Coalesces the events of every source per key: a key is reconciled once its objects have been
   * quiet for `windowMs`, and at most `maxDelayMs` after its first event. Default: no debounce.
   */
  withDebounce(options: DebounceOptions): this {
    this.#debounce = options;
    return this;
  }

  /** Builds the controller, connects its sources and registers it with the manager. */
  complete(reconciler: Reconciler): Controller {
    if (this.#primary === undefined) throw new Error(`controller ${this.#deps.name}: for() is required`);
    const { name, clock, logger, metrics } = this.#deps;
    const controller = new Controller(
      {
        name,
        clock,
        logger,
        maxConcurrentReconciles: this.#maxConcurrent,
        ...(this.#rateLimiter === undefined ? {} : { rateLimiter: this.#rateLimiter }),
        ...(this.#debounce === undefined ? {} : { debounce: this.#debounce }),
        ...(metrics === undefined
          ? {}
          : { metrics: (inFlight) => metrics.forController(name, this.#maxConcurrent, inFlight) }),
      },
      reconciler,
    );
    for (const source of this.#sources) source(controller);
    this.#deps.register?.(controller);
    return controller;
  }
}
