/**
 * Create expectations (controller-runtime's ReplicaSet expectations, kube-rs's "do not trust a
 * stale cache"): the children a reconcile created that the informer has not delivered yet. The
 * next observe counts them as existing, so it does not decide to create them again (a wasted
 * round trip answered 409 AlreadyExists). An entry is forgotten once the informer holds an object
 * of that name, when the object is deleted by the reconciler, or after a time bound.
 *
 * This is an optimisation only: an empty set (a restart, a new leader) costs at most a 409 per
 * child, because creates are idempotent (deterministic names, AlreadyExists = success).
 * One instance per controller; not shared between processes.
 */
import type { KubeObject } from "../kube/kube-object.js";
import { formatObjectKey, type ObjectKey } from "../kube/resource.js";

/** How long an expectation is trusted when the informer never delivers its object. Default 60 s. */
export const DEFAULT_EXPECTATION_TTL_MS = 60_000;

interface Expected {
  readonly object: KubeObject;
  readonly expiresAtMs: number;
}

/** Identity of a child within one PayloadBuild: kind (when known) and name. */
function childId(object: KubeObject): string {
  return `${object.kind ?? ""}/${object.metadata.name}`;
}

/** See the module documentation. */
export class CreateExpectations {
  readonly #ttlMs: number;
  /** Owner key -> child id -> the created object (the create response). */
  readonly #byOwner = new Map<string, Map<string, Expected>>();

  /** `ttlMs`: how long an entry is trusted at most (default {@link DEFAULT_EXPECTATION_TTL_MS}). */
  constructor(ttlMs: number = DEFAULT_EXPECTATION_TTL_MS) {
    this.#ttlMs = Math.max(0, ttlMs);
  }

  /** Records `created` (the API server's create response) as a child of `owner`, created at `nowMs`. */
  expectCreated(owner: ObjectKey, created: KubeObject, nowMs: number): void {
    const key = formatObjectKey(owner);
    let children = this.#byOwner.get(key);
    if (children === undefined) this.#byOwner.set(key, (children = new Map()));
    children.set(childId(created), { object: created, expiresAtMs: nowMs + this.#ttlMs });
  }

  /**
   * The expected children of `owner` that `observed` (the informer's view) does not hold yet.
   * Entries the informer has caught up with (an observed object of the same name, and the same
   * kind when both carry one), and entries older than the bound, are forgotten.
   */
  pending(owner: ObjectKey, observed: readonly KubeObject[], nowMs: number): KubeObject[] {
    const key = formatObjectKey(owner);
    const children = this.#byOwner.get(key);
    if (children === undefined) return [];
    const observedNames = new Map<string, (string | undefined)[]>();
    for (const o of observed) {
      const kinds = observedNames.get(o.metadata.name) ?? [];
      kinds.push(o.kind);
      observedNames.set(o.metadata.name, kinds);
    }
    const result: KubeObject[] = [];
    for (const [id, entry] of children) {
      const kinds = observedNames.get(entry.object.metadata.name);
      const seen =
        kinds !== undefined &&
        kinds.some((k) => k === undefined || entry.object.kind === undefined || k === entry.object.kind);
      if (seen || entry.expiresAtMs <= nowMs) children.delete(id);
      else result.push(entry.object);
    }
    if (children.size === 0) this.#byOwner.delete(key);
    return result;
  }

  /**
   * Whether `object` is the very version a create of `owner`'s child returned (same kind, name
   * and resourceVersion): its ADDED event brings nothing the next observe does not already see,
   * so it need not wake the reconciler.
   */
  isExpectedVersion(owner: ObjectKey, object: KubeObject): boolean {
    const entry = this.#byOwner.get(formatObjectKey(owner))?.get(childId(object));
    const version = object.metadata.resourceVersion;
    return version !== undefined && entry?.object.metadata.resourceVersion === version;
  }

  /** Forgets the expectation for `child` of `owner` (it was deleted). */
  forgetChild(owner: ObjectKey, child: KubeObject): void {
    const key = formatObjectKey(owner);
    const children = this.#byOwner.get(key);
    children?.delete(childId(child));
    if (children?.size === 0) this.#byOwner.delete(key);
  }

  /** Forgets every expectation of `owner` (it is gone). */
  forget(owner: ObjectKey): void {
    this.#byOwner.delete(formatObjectKey(owner));
  }

  /** Number of expected children of `owner` (for tests and logs). */
  size(owner: ObjectKey): number {
    return this.#byOwner.get(formatObjectKey(owner))?.size ?? 0;
  }
}
