/**
 * In-memory object storage with a global resourceVersion, a bounded event history for watch
 * resume, and indexes by uid and by owner uid. Objects are stored by reference and never mutated.
 */
import type { KubeObject, WatchEventType } from "./types.js";

/** One change, as kept in the watch history. */
export interface StoredEvent {
  rv: number;
  /** Storage key (`group/plural`). */
  key: string;
  type: Exclude<WatchEventType, "BOOKMARK" | "ERROR">;
  object: KubeObject;
  /** The object before the change (MODIFIED and DELETED), for selector transitions and snapshots. */
  previous?: KubeObject;
}

/** Where an object lives. */
export interface ObjectLocation {
  key: string;
  namespace: string;
  name: string;
}

type Subscriber = (event: StoredEvent) => void;

/** The object store. Namespace `""` holds cluster-scoped objects. */
export class ObjectStore {
  private rv = 0;
  private readonly resources = new Map<string, Map<string, Map<string, KubeObject>>>();
  private readonly sortedCache = new Map<string, ObjectLocation[]>();
  private readonly uidIndex = new Map<string, ObjectLocation>();
  private readonly ownerIndex = new Map<string, Set<string>>();
  private history: StoredEvent[] = [];
  private compactedRv = 0;
  private readonly subscribers = new Map<string, Set<Subscriber>>();

  private historyBytes = 0;
  private readonly sizes = new WeakMap<StoredEvent, number>();

  /**
   * @param historyLimit events retained for watch resume before 410 Gone
   * @param historyBytesLimit approximate serialised size of retained event objects (default 256 MiB),
   *   so large objects updated often (a PayloadBuild's status) cannot grow memory without bound
   */
  constructor(
    private readonly historyLimit: number,
    private readonly historyBytesLimit = 256 * 1024 * 1024,
  ) {}

  /** The latest resourceVersion issued. */
  get currentRv(): number {
    return this.rv;
  }

  /** The oldest resourceVersion a watch may still resume from. */
  get oldestResumableRv(): number {
    return this.compactedRv;
  }

  /** Reserves and returns the next resourceVersion. */
  nextRv(): number {
    this.rv += 1;
    return this.rv;
  }

  /** The object at a location, if any. */
  get(key: string, namespace: string, name: string): KubeObject | undefined {
    return this.resources.get(key)?.get(namespace)?.get(name);
  }

  /** Location of the object with this uid, if it exists. */
  locate(uid: string): ObjectLocation | undefined {
    return this.uidIndex.get(uid);
  }

  /** Objects of a resource, ordered by namespace then name; one namespace when given. */
  list(key: string, namespace?: string): KubeObject[] {
    const byNs = this.resources.get(key);
    if (byNs === undefined) return [];
    if (namespace !== undefined) {
      const objects = byNs.get(namespace);
      if (objects === undefined) return [];
      return [...objects.keys()].sort(compareStrings).flatMap((n) => {
        const o = objects.get(n);
        return o === undefined ? [] : [o];
      });
    }
    let sorted = this.sortedCache.get(key);
    if (sorted === undefined) {
      sorted = [];
      for (const [ns, objects] of byNs)
        for (const name of objects.keys()) sorted.push({ key, namespace: ns, name });
      sorted.sort((a, b) => compareStrings(a.namespace, b.namespace) || compareStrings(a.name, b.name));
      this.sortedCache.set(key, sorted);
    }
    const out: KubeObject[] = [];
    for (const loc of sorted) {
      const o = byNs.get(loc.namespace)?.get(loc.name);
      if (o !== undefined) out.push(o);
    }
    return out;
  }

  /** Storage keys that hold at least one object in `namespace`. */
  keysWithObjectsIn(namespace: string): string[] {
    const keys: string[] = [];
    for (const [key, byNs] of this.resources) if ((byNs.get(namespace)?.size ?? 0) > 0) keys.push(key);
    return keys;
  }

  /** Objects whose ownerReferences name `ownerUid`. */
  dependentsOf(ownerUid: string): { location: ObjectLocation; object: KubeObject }[] {
    const uids = this.ownerIndex.get(ownerUid);
    if (uids === undefined) return [];
    const out: { location: ObjectLocation; object: KubeObject }[] = [];
    for (const uid of uids) {
      const location = this.uidIndex.get(uid);
      if (location === undefined) continue;
      const object = this.get(location.key, location.namespace, location.name);
      if (object !== undefined) out.push({ location, object });
    }
    return out;
  }

  /**
   * Stores `object` (which already carries its new resourceVersion, from {@link nextRv}) and
   * records an ADDED or MODIFIED event.
   */
  put(key: string, object: KubeObject): void {
    const namespace = object.metadata.namespace ?? "";
    const name = object.metadata.name ?? "";
    let byNs = this.resources.get(key);
    if (byNs === undefined) {
      byNs = new Map();
      this.resources.set(key, byNs);
    }
    let objects = byNs.get(namespace);
    if (objects === undefined) {
      objects = new Map();
      byNs.set(namespace, objects);
    }
    const previous = objects.get(name);
    objects.set(name, object);
    if (previous === undefined) this.sortedCache.delete(key);
    else this.unindex(previous);
    this.index(key, object);
    const rv = Number(object.metadata.resourceVersion);
    this.record(
      previous === undefined
        ? { rv, key, type: "ADDED", object }
        : { rv, key, type: "MODIFIED", object, previous },
    );
  }

  /** Removes the object and records a DELETED event carrying `finalState` (with its deletion resourceVersion). */
  remove(key: string, finalState: KubeObject): void {
    const namespace = finalState.metadata.namespace ?? "";
    const name = finalState.metadata.name ?? "";
    const objects = this.resources.get(key)?.get(namespace);
    const previous = objects?.get(name);
    if (objects === undefined || previous === undefined) return;
    objects.delete(name);
    this.sortedCache.delete(key);
    this.unindex(previous);
    this.record({
      rv: Number(finalState.metadata.resourceVersion),
      key,
      type: "DELETED",
      object: finalState,
      previous,
    });
  }

  /** Events for `key` after `rv`, or `"gone"` when `rv` is older than the retained history. */
  eventsSince(key: string, rv: number): StoredEvent[] | "gone" {
    if (rv < this.compactedRv) return "gone";
    let lo = 0;
    let hi = this.history.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.history[mid]?.rv ?? 0) <= rv) lo = mid + 1;
      else hi = mid;
    }
    const out: StoredEvent[] = [];
    for (let i = lo; i < this.history.length; i++) {
      const e = this.history[i];
      if (e !== undefined && e.key === key) out.push(e);
    }
    return out;
  }

  /**
   * The objects of `key` (in `namespace` when given) as they were at resourceVersion `rv`, ordered
   * like {@link list}: the current objects with the changes after `rv` undone from the history, or
   * `"gone"` when `rv` is older than the retained history.
   */
  listAt(key: string, rv: number, namespace?: string): KubeObject[] | "gone" {
    const events = this.eventsSince(key, rv);
    if (events === "gone") return "gone";
    if (events.length === 0) return this.list(key, namespace);
    const firstChange = new Map<string, StoredEvent>();
    for (const e of events) {
      if (namespace !== undefined && (e.object.metadata.namespace ?? "") !== namespace) continue;
      const id = `${e.object.metadata.namespace ?? ""}/${e.object.metadata.name ?? ""}`;
      if (!firstChange.has(id)) firstChange.set(id, e);
    }
    const out: KubeObject[] = [];
    for (const o of this.list(key, namespace))
      if (!firstChange.has(`${o.metadata.namespace ?? ""}/${o.metadata.name ?? ""}`)) out.push(o);
    for (const e of firstChange.values())
      if (e.type !== "ADDED" && e.previous !== undefined) out.push(e.previous);
    return out.sort(
      (a, b) =>
        compareStrings(a.metadata.namespace ?? "", b.metadata.namespace ?? "") ||
        compareStrings(a.metadata.name ?? "", b.metadata.name ?? ""),
    );
  }

  /** Calls `fn` for every future event of `key`; returns the unsubscribe function. */
  subscribe(key: string, fn: Subscriber): () => void {
    let set = this.subscribers.get(key);
    if (set === undefined) {
      set = new Set();
      this.subscribers.set(key, set);
    }
    set.add(fn);
    return () => set.delete(fn);
  }

  /** Drops the whole history: any resume from an older version now gets 410 Gone. */
  compact(): void {
    this.history = [];
    this.historyBytes = 0;
    this.compactedRv = this.rv;
  }

  /** Every stored object with its storage key, for persistence. */
  *entries(): Generator<[string, KubeObject]> {
    for (const [key, byNs] of this.resources)
      for (const objects of byNs.values()) for (const o of objects.values()) yield [key, o];
  }

  /** Restores objects and the version counter without recording events (start-up only). */
  restore(rv: number, entries: Iterable<[string, KubeObject]>): void {
    for (const [key, object] of entries) {
      const namespace = object.metadata.namespace ?? "";
      let byNs = this.resources.get(key);
      if (byNs === undefined) this.resources.set(key, (byNs = new Map()));
      let objects = byNs.get(namespace);
      if (objects === undefined) byNs.set(namespace, (objects = new Map()));
      objects.set(object.metadata.name ?? "", object);
      this.index(key, object);
    }
    this.sortedCache.clear();
    this.rv = Math.max(this.rv, rv);
    this.compactedRv = this.rv;
  }

  private record(event: StoredEvent): void {
    this.history.push(event);
    const size = JSON.stringify(event.object).length;
    this.sizes.set(event, size);
    this.historyBytes += size;
    const overCount = this.history.length > this.historyLimit + Math.max(1, this.historyLimit >> 2);
    if (overCount || this.historyBytes > this.historyBytesLimit) {
      // Trim to the count limit and to 3/4 of the byte budget, in one slice.
      let drop = Math.max(0, this.history.length - this.historyLimit);
      let bytes = this.historyBytes;
      for (let i = 0; i < drop; i++) bytes -= this.sizes.get(this.history[i] as StoredEvent) ?? 0;
      while (bytes > (this.historyBytesLimit * 3) / 4 && drop < this.history.length - 1) {
        bytes -= this.sizes.get(this.history[drop] as StoredEvent) ?? 0;
        drop++;
      }
      if (drop > 0) {
        this.compactedRv = this.history[drop - 1]?.rv ?? this.compactedRv;
        this.history = this.history.slice(drop);
        this.historyBytes = bytes;
      }
    }
    const subs = this.subscribers.get(event.key);
    if (subs !== undefined) for (const fn of [...subs]) fn(event);
  }

  private index(key: string, object: KubeObject): void {
    const uid = object.metadata.uid;
    if (uid === undefined) return;
    this.uidIndex.set(uid, {
      key,
      namespace: object.metadata.namespace ?? "",
      name: object.metadata.name ?? "",
    });
    for (const ref of object.metadata.ownerReferences ?? []) {
      let set = this.ownerIndex.get(ref.uid);
      if (set === undefined) this.ownerIndex.set(ref.uid, (set = new Set()));
      set.add(uid);
    }
  }

  private unindex(object: KubeObject): void {
    const uid = object.metadata.uid;
    if (uid === undefined) return;
    this.uidIndex.delete(uid);
    for (const ref of object.metadata.ownerReferences ?? []) {
      const set = this.ownerIndex.get(ref.uid);
      set?.delete(uid);
      if (set?.size === 0) this.ownerIndex.delete(ref.uid);
    }
  }
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
