/**
 * Shared informers (controller-runtime's cache): one watcher and store per resource + scope,
 * however many controllers read or watch it.
 */
import type { Logger } from "pino";
import type { KubeClient } from "../kube/kube-client.js";
import type { KubeObject } from "../kube/kube-object.js";
import type { KubeResource, ResourceDescriptor } from "../kube/resource.js";
import type { Clock } from "./clock.js";
import {
  CONTROLLER_OWNER_UID_INDEX,
  controllerOwnerUidIndexer,
  StoreWriter,
  type Indexers,
  type Store,
} from "./store.js";
import { Watcher, type WatcherEvent, type WatcherOptions, type WatcherStatus } from "./watcher.js";

/** Which objects of a resource an informer covers. */
export interface InformerScope {
  readonly namespace?: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
}

/** A watched, cached resource: read the store, listen for changes. */
export interface Informer<T extends KubeObject> {
  readonly resource: KubeResource<T>;
  readonly store: Store<T>;
  /** Listeners run synchronously after the store is updated: enqueue keys, nothing more. */
  on(listener: (event: WatcherEvent<T>) => void): void;
  status(): WatcherStatus;
}

/** Timing knobs handed to every watcher (see {@link WatcherOptions}). */
export type WatcherTuning = Pick<
  WatcherOptions<KubeObject>,
  "timeoutSeconds" | "quietTimeoutMs" | "resyncIntervalMs" | "backoffInitialMs" | "backoffMaxMs" | "pageSize"
>;

/**
 * What the informers of one resource cache of each object (controller-runtime's
 * `cache.ByObject.Transform`): the informer stores `transform(object)`, so the fields no reader
 * uses are never kept. Same contract as `WatcherOptions.transform` (a plain object, never throws);
 * every reader of that resource's stores, and every write made from a cached object, must only
 * need what it keeps.
 */
export interface CacheTransform {
  /** The resource, by group and plural (any version). */
  readonly resource: Pick<ResourceDescriptor, "group" | "plural">;
  readonly transform: (object: KubeObject) => KubeObject;
}

/** Options of {@link InformerCache}. */
export interface InformerCacheOptions {
  readonly client: KubeClient;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly tuning?: WatcherTuning;
  /** Applied to every object before it is cached (see `WatcherOptions.transform`). Default: none. */
  readonly transform?: (object: KubeObject) => KubeObject;
  /** Applied after `transform` to the objects of their resource. At most one per resource. */
  readonly transforms?: readonly CacheTransform[];
}

/** `transform` then the resource's own one, or undefined when there is neither. */
function composeTransforms(
  resource: Pick<ResourceDescriptor, "group" | "plural">,
  options: InformerCacheOptions,
): ((object: KubeObject) => KubeObject) | undefined {
  const own = options.transforms?.filter(
    (t) => t.resource.group === resource.group && t.resource.plural === resource.plural,
  );
  if (own !== undefined && own.length > 1)
    throw new Error(`more than one cache transform for ${resource.plural}.${resource.group}`);
  const byResource = own?.[0]?.transform;
  const common = options.transform;
  if (byResource === undefined) return common;
  if (common === undefined) return byResource;
  return (object) => byResource(common(object));
}

interface Entry {
  readonly resource: KubeResource<KubeObject>;
  readonly store: StoreWriter<KubeObject>;
  readonly watcher: Watcher<KubeObject>;
  readonly informer: Informer<KubeObject>;
}

/**
 * Creates informers on demand and runs them. Every store has the
 * {@link CONTROLLER_OWNER_UID_INDEX} index plus the indexers given when it was first asked for.
 */
export class InformerCache {
  readonly #o: InformerCacheOptions;
  readonly #entries = new Map<string, Entry>();
  #started = false;

  constructor(options: InformerCacheOptions) {
    this.#o = options;
  }

  /**
   * The informer of `resource` in `scope`, created on first use (and started at once if the
   * cache is running). Asking again with the same scope returns the same informer, with any new
   * indexers added. Throws if the same resource is asked for with another schema: use one
   * lenient schema per resource and parse specs in the reconciler (an object failing the
   * informer's schema is skipped, so it would never be reconciled).
   */
  informer<T extends KubeObject>(
    resource: KubeResource<T>,
    scope: InformerScope = {},
    indexers: Indexers<T> = {},
  ): Informer<T> {
    const id = [
      resource.group,
      resource.version,
      resource.plural,
      scope.namespace ?? "",
      scope.labelSelector ?? "",
      scope.fieldSelector ?? "",
    ].join("|");
    const existing = this.#entries.get(id);
    if (existing !== undefined) {
      if (existing.resource.schema !== resource.schema)
        throw new Error(`informer for ${resource.plural} already exists with another schema`);
      return existing.informer as unknown as Informer<T>;
    }
    const store = new StoreWriter<T>({
      [CONTROLLER_OWNER_UID_INDEX]: controllerOwnerUidIndexer,
      ...indexers,
    });
    const transform = composeTransforms(resource, this.#o);
    const watcher = new Watcher<T>({
      ...this.#o.tuning,
      ...scope,
      ...(transform === undefined ? {} : { transform: transform as (object: T) => T }),
      client: this.#o.client,
      clock: this.#o.clock,
      logger: this.#o.logger.child({
        informer: resource.plural,
        ...(scope.namespace === undefined ? {} : { namespace: scope.namespace }),
      }),
      resource,
      store,
    });
    const informer: Informer<T> = {
      resource,
      store,
      on: (l) => watcher.on(l),
      status: () => watcher.status(),
    };
    this.#entries.set(id, { resource, store, watcher, informer } as unknown as Entry);
    if (this.#started) watcher.start();
    return informer;
  }

  /** Starts every informer (and any created later). */
  start(): void {
    this.#started = true;
    for (const e of this.#entries.values()) e.watcher.start();
  }

  /** Stops every watcher. */
  async stop(): Promise<void> {
    this.#started = false;
    await Promise.all([...this.#entries.values()].map((e) => e.watcher.stop()));
  }

  /** True when every informer's store holds a complete list. */
  isSynced(): boolean {
    return [...this.#entries.values()].every((e) => e.informer.store.isSynced());
  }

  /** Resource plurals (with scope) of the informers not yet synced. */
  unsynced(): string[] {
    return [...this.#entries.entries()].filter(([, e]) => !e.informer.store.isSynced()).map(([id]) => id);
  }
}
