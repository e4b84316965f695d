/**
 * Owner-reference garbage collection, like kube-controller-manager's: when an owner is removed its
 * dependents with no remaining owner are deleted (background cascading); `orphan` and
 * `foregroundDeletion` finalizers are processed for Orphan and Foreground propagation.
 */
import type { ApiCore } from "./api-core.js";
import { ApiError } from "./errors.js";
import type { ObjectStore } from "./object-store.js";
import type { ResourceRegistry } from "./resource-registry.js";
import type { KubeObject, OwnerReference } from "./types.js";

/** Runs GC work off the request path (on the next macrotask), as a separate controller would. */
export class GarbageCollector {
  private readonly queue: (() => void)[] = [];
  private scheduled = false;
  private stopped = false;

  constructor(
    private readonly core: ApiCore,
    private readonly store: ObjectStore,
    private readonly registry: ResourceRegistry,
  ) {
    core.onChange(({ type, object, old }) => {
      if (type === "remove") {
        const uid = object.metadata.uid;
        if (uid !== undefined) this.enqueue(() => this.ownerRemoved(uid));
        for (const ref of object.metadata.ownerReferences ?? [])
          this.enqueue(() => this.checkForeground(ref.uid));
        return;
      }
      const refs = object.metadata.ownerReferences ?? [];
      if (
        refs.length > 0 &&
        (old === undefined || JSON.stringify(old.metadata.ownerReferences) !== JSON.stringify(refs))
      ) {
        const uid = object.metadata.uid;
        if (uid !== undefined) this.enqueue(() => this.checkDangling(uid));
      }
      if (object.metadata.deletionTimestamp !== undefined && old?.metadata.deletionTimestamp === undefined) {
        const f = object.metadata.finalizers ?? [];
        if (f.includes("orphan")) this.enqueue(() => this.orphanDependents(object));
        if (f.includes("foregroundDeletion")) this.enqueue(() => this.deleteDependentsForeground(object));
      }
    });
  }

  /** Stops processing queued work. */
  stop(): void {
    this.stopped = true;
  }

  private enqueue(work: () => void): void {
    this.queue.push(work);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const batch = this.queue.splice(0);
      for (const w of batch) {
        if (this.stopped) return;
        try {
          w();
        } catch (e) {
          if (!(e instanceof ApiError)) throw e;
        }
      }
    });
  }

  private defOf(key: string): ReturnType<ResourceRegistry["lookupStorageKey"]> {
    return this.registry.lookupStorageKey(key);
  }

  /**
   * Whether the owner `ref` names exists: an object with its uid, and its kind, API group and name
   * (kube-controller-manager looks the owner up by apiVersion/kind/name and compares the uid, so a
   * reference with the right uid and another served kind is dangling).
   */
  private ownerExists(ref: OwnerReference): boolean {
    const slash = ref.apiVersion.indexOf("/");
    const group = slash < 0 ? "" : ref.apiVersion.slice(0, slash);
    // A kind the server does not serve cannot be looked up: kube-controller-manager keeps the
    // dependent (and retries) rather than collect it.
    if (!this.registry.all().some((d) => d.group === group && d.kind === ref.kind)) return true;
    const loc = this.store.locate(ref.uid);
    const def = loc === undefined ? undefined : this.defOf(loc.key);
    if (loc === undefined || def === undefined) return false;
    return def.kind === ref.kind && def.group === group && loc.name === ref.name;
  }

  /** An object whose owners do not exist (never did, or are gone) is collected like an orphaned dependent. */
  private checkDangling(uid: string): void {
    const loc = this.store.locate(uid);
    if (loc === undefined) return;
    const object = this.store.get(loc.key, loc.namespace, loc.name);
    const def = this.defOf(loc.key);
    if (object === undefined || def === undefined || object.metadata.deletionTimestamp !== undefined) return;
    const refs = object.metadata.ownerReferences ?? [];
    const live = refs.filter((r) => this.ownerExists(r));
    if (live.length === refs.length) return;
    if (live.length === 0)
      this.core.delete(def, loc.namespace || undefined, loc.name, { propagationPolicy: "Background" });
    else this.updateRefs(object, loc.key, live);
  }

  private ownerRemoved(ownerUid: string): void {
    for (const { location, object } of this.store.dependentsOf(ownerUid)) {
      const def = this.defOf(location.key);
      if (def === undefined) continue;
      const refs = object.metadata.ownerReferences ?? [];
      const live = refs.filter((r) => r.uid !== ownerUid && this.ownerExists(r));
      if (live.length === 0) {
        if (object.metadata.deletionTimestamp === undefined)
          this.core.delete(def, location.namespace || undefined, location.name, {
            propagationPolicy: "Background",
          });
      } else if (live.length !== refs.length) {
        this.updateRefs(object, location.key, live);
      }
    }
  }

  private updateRefs(
    object: KubeObject,
    key: string,
    refs: NonNullable<KubeObject["metadata"]["ownerReferences"]>,
  ): void {
    const def = this.defOf(key);
    if (def === undefined) return;
    const { ownerReferences: _old, ...metadata } = object.metadata;
    const body = {
      ...object,
      metadata: refs.length === 0 ? metadata : { ...metadata, ownerReferences: refs },
    };
    this.core.update(def, object.metadata.namespace, object.metadata.name ?? "", body, undefined, {
      fieldManager: "garbage-collector",
    });
  }

  private orphanDependents(owner: KubeObject): void {
    const uid = owner.metadata.uid ?? "";
    for (const { location, object } of this.store.dependentsOf(uid)) {
      this.updateRefs(
        object,
        location.key,
        (object.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid),
      );
    }
    this.removeFinalizer(uid, "orphan");
  }

  private deleteDependentsForeground(owner: KubeObject): void {
    const uid = owner.metadata.uid ?? "";
    for (const { location, object } of this.store.dependentsOf(uid)) {
      const def = this.defOf(location.key);
      if (def !== undefined && object.metadata.deletionTimestamp === undefined)
        this.core.delete(def, location.namespace || undefined, location.name, {
          propagationPolicy: "Foreground",
        });
    }
    this.checkForeground(uid);
  }

  private checkForeground(ownerUid: string): void {
    const loc = this.store.locate(ownerUid);
    if (loc === undefined) return;
    const owner = this.store.get(loc.key, loc.namespace, loc.name);
    if (
      owner?.metadata.deletionTimestamp === undefined ||
      !(owner.metadata.finalizers ?? []).includes("foregroundDeletion")
    )
      return;
    if (this.store.dependentsOf(ownerUid).length > 0) return;
    this.removeFinalizer(ownerUid, "foregroundDeletion");
  }

  private removeFinalizer(uid: string, finalizer: string): void {
    const loc = this.store.locate(uid);
    if (loc === undefined) return;
    const def = this.defOf(loc.key);
    const current = this.store.get(loc.key, loc.namespace, loc.name);
    if (def === undefined || current === undefined) return;
    const finalizers = (current.metadata.finalizers ?? []).filter((f) => f !== finalizer);
    this.core.update(
      def,
      loc.namespace || undefined,
      loc.name,
      { ...current, metadata: { ...current.metadata, finalizers } },
      undefined,
      { fieldManager: "garbage-collector" },
    );
  }
}
