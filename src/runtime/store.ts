/**
 * The reflector cache: objects of one watched resource, keyed by `namespace/name`, with
 * secondary indexes. Readers get the read-only {@link Store}; only the watcher holds the
 * {@link StoreWriter} (kube-rs `reflector::store`).
 *
 * Caveats: the store is eventually consistent with the API server (it lags by the watch
 * latency), so a reconciler must tolerate stale reads and rely on resourceVersion conflicts for
 * writes. Objects are deep-frozen: copy (`structuredClone`) before modifying.
 */
import { controllerOf, type KubeObject } from "../kube/kube-object.js";
import { formatObjectKey, type ObjectKey } from "../kube/resource.js";

/** Index functions by name: each returns the index values an object is filed under. */
export type Indexers<T> = Readonly<Record<string, (obj: T) => readonly string[]>>;

/** Read-only view of a cache. */
export interface Store<T extends KubeObject> {
  /** The cached object, by key object or `namespace/name` string. */
  get(key: ObjectKey | string): T | undefined;
  /** All cached objects, or those of one namespace. */
  list(namespace?: string): readonly T[];
  /** Objects filed under `value` in the index `index`; throws for an unknown index name. */
  byIndex(index: string, value: string): readonly T[];
  /** Number of cached objects. */
  readonly size: number;
  /** True once the first complete list has been loaded. */
  isSynced(): boolean;
  /** Resolves true once synced, or false if `signal` aborts first. */
  waitForSync(signal?: AbortSignal): Promise<boolean>;
}

/** Index name of {@link controllerOwnerUidIndexer}. */
export const CONTROLLER_OWNER_UID_INDEX = "controllerOwnerUid";

/** Files an object under the uid of its controller owner reference (none if it has none). */
export function controllerOwnerUidIndexer(obj: KubeObject): readonly string[] {
  const owner = controllerOf(obj);
  return owner === undefined ? [] : [owner.uid];
}

/** An indexer filing objects under the value of label `label`. */
export function labelIndexer(label: string): (obj: KubeObject) => readonly string[] {
  return (obj) => {
    const value = obj.metadata.labels?.[label];
    return value === undefined ? [] : [value];
  };
}

/** The key of an object in stores and queues. */
export function keyOfObject(obj: KubeObject): string {
  const ns = obj.metadata.namespace;
  return formatObjectKey(
    ns === undefined ? { name: obj.metadata.name } : { namespace: ns, name: obj.metadata.name },
  );
}

function deepFreeze<V>(value: V): V {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** What a full replace changed. */
export interface ReplaceResult<T> {
  readonly added: readonly T[];
  readonly updated: readonly { readonly previous: T; readonly current: T }[];
  readonly deleted: readonly T[];
}

/** The single writer of a store. Not for reconcilers: they get the {@link Store} view. */
export class StoreWriter<T extends KubeObject> implements Store<T> {
  readonly #objects = new Map<string, T>();
  readonly #indexes = new Map<string, Map<string, Set<string>>>();
  readonly #indexers: Record<string, (obj: T) => readonly string[]>;
  #synced = false;
  #syncWaiters: (() => void)[] = [];

  constructor(indexers: Indexers<T> = {}) {
    this.#indexers = {};
    this.addIndexers(indexers);
  }

  /** Adds indexes (objects already cached are indexed at once); a name already present is kept. */
  addIndexers(indexers: Indexers<T>): void {
    for (const [name, fn] of Object.entries(indexers)) {
      if (this.#indexes.has(name)) continue;
      this.#indexers[name] = fn;
      const idx = new Map<string, Set<string>>();
      this.#indexes.set(name, idx);
      for (const [key, obj] of this.#objects) {
        for (const value of fn(obj)) {
          let keys = idx.get(value);
          if (keys === undefined) idx.set(value, (keys = new Set()));
          keys.add(key);
        }
      }
    }
  }

  get(key: ObjectKey | string): T | undefined {
    return this.#objects.get(typeof key === "string" ? key : formatObjectKey(key));
  }

  list(namespace?: string): readonly T[] {
    const all = [...this.#objects.values()];
    return namespace === undefined ? all : all.filter((o) => o.metadata.namespace === namespace);
  }

  byIndex(index: string, value: string): readonly T[] {
    const idx = this.#indexes.get(index);
    if (idx === undefined)
      throw new Error(
        `store has no index ${index} (known: ${[...this.#indexes.keys()].join(", ") || "none"})`,
      );
    const keys = idx.get(value);
    if (keys === undefined) return [];
    return [...keys].flatMap((k) => {
      const obj = this.#objects.get(k);
      return obj === undefined ? [] : [obj];
    });
  }

  get size(): number {
    return this.#objects.size;
  }

  isSynced(): boolean {
    return this.#synced;
  }

  waitForSync(signal?: AbortSignal): Promise<boolean> {
    if (this.#synced) return Promise.resolve(true);
    if (signal?.aborted === true) return Promise.resolve(false);
    return new Promise((resolve) => {
      const onAbort = (): void => resolve(false);
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#syncWaiters.push(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve(true);
      });
    });
  }

  /** Inserts or replaces an object; returns the previous version, if any. */
  apply(obj: T): T | undefined {
    const key = keyOfObject(obj);
    const previous = this.#objects.get(key);
    if (previous !== undefined) this.#unindex(key, previous);
    this.#objects.set(key, deepFreeze(obj));
    this.#index(key, obj);
    return previous;
  }

  /** Removes an object; returns the cached version, if any. */
  delete(obj: KubeObject): T | undefined {
    const key = keyOfObject(obj);
    const previous = this.#objects.get(key);
    if (previous === undefined) return undefined;
    this.#unindex(key, previous);
    this.#objects.delete(key);
    return previous;
  }

  /**
   * Replaces the whole content with a fresh list (after a list or relist), marks the store
   * synced, and reports what changed. Objects whose resourceVersion did not change are not
   * reported as updated.
   */
  replace(objects: readonly T[]): ReplaceResult<T> {
    const fresh = new Map(objects.map((o) => [keyOfObject(o), o] as const));
    const deleted: T[] = [];
    for (const [key, old] of this.#objects) if (!fresh.has(key)) deleted.push(old);
    for (const old of deleted) this.delete(old);
    const added: T[] = [];
    const updated: { previous: T; current: T }[] = [];
    for (const obj of fresh.values()) {
      const previous = this.apply(obj);
      if (previous === undefined) added.push(obj);
      else if (previous.metadata.resourceVersion !== obj.metadata.resourceVersion)
        updated.push({ previous, current: obj });
    }
    this.#markSynced();
    return { added, updated, deleted };
  }

  #markSynced(): void {
    if (this.#synced) return;
    this.#synced = true;
    const waiters = this.#syncWaiters;
    this.#syncWaiters = [];
    for (const w of waiters) w();
  }

  #index(key: string, obj: T): void {
    for (const [name, fn] of Object.entries(this.#indexers)) {
      const idx = this.#indexes.get(name);
      if (idx === undefined) continue;
      for (const value of fn(obj)) {
        let keys = idx.get(value);
        if (keys === undefined) idx.set(value, (keys = new Set()));
        keys.add(key);
      }
    }
  }

  #unindex(key: string, obj: T): void {
    for (const [name, fn] of Object.entries(this.#indexers)) {
      const idx = this.#indexes.get(name);
      if (idx === undefined) continue;
      for (const value of fn(obj)) {
        const keys = idx.get(value);
        keys?.delete(key);
        if (keys?.size === 0) idx.delete(value);
      }
    }
  }
}
