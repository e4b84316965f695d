/**
 * Bounds how often one PayloadBuild's status is written, so a burst of build events (a
 * 1,000-component payload) coalesces into a few writes. The caller defers a write it is refused
 * and requeues after the returned delay, so the final state is always written. Starting builds
 * waits for the same delay (their attempts are recorded by the status write), so status writes are
 * bounded by time: one per interval, plus the few prompt ones (phase, conditions, release).
 */
import type { KubeObject } from "../kube/kube-object.js";
import { formatObjectKey, type ObjectKey } from "../kube/resource.js";

/** Per-object minimum interval between status writes. One instance per controller. */
export class StatusWriteLimiter {
  readonly #minIntervalMs: number;
  readonly #lastWrite = new Map<string, number>();
  readonly #writtenVersion = new Map<string, string>();
  /** `namespace/name` -> our last written object and the version that write replaced. */
  readonly #written = new Map<string, { readonly base: string; readonly object: KubeObject }>();

  /** `minIntervalMs`: the shortest time between two writes of one object's status (0: no limit). */
  constructor(minIntervalMs: number) {
    this.#minIntervalMs = Math.max(0, minIntervalMs);
  }

  /** Milliseconds until `key` may be written again (0: now). */
  delayMs(key: ObjectKey, nowMs: number): number {
    const last = this.#lastWrite.get(formatObjectKey(key));
    return last === undefined ? 0 : Math.max(0, last + this.#minIntervalMs - nowMs);
  }

  /** Records a write of `key` at `nowMs`, answered with `resourceVersion` (if the answer had one). */
  wrote(key: ObjectKey, nowMs: number, resourceVersion?: string): void {
    const k = formatObjectKey(key);
    this.#lastWrite.set(k, nowMs);
    if (resourceVersion === undefined) this.#writtenVersion.delete(k);
    else this.#writtenVersion.set(k, resourceVersion);
  }

  /**
   * True when `resourceVersion` is the one our last status write of `key` was answered with: the
   * object is exactly what that write made, so its watch event brings nothing new to reconcile.
   */
  isOwnWrite(key: ObjectKey, resourceVersion: string | undefined): boolean {
    return (
      resourceVersion !== undefined && this.#writtenVersion.get(formatObjectKey(key)) === resourceVersion
    );
  }

  /**
   * Remembers `written`, the answer to a status write of `key` that replaced version `baseVersion`,
   * until the cache has caught up with it (see {@link freshest}).
   */
  rememberWritten(key: ObjectKey, baseVersion: string | undefined, written: KubeObject): void {
    const k = formatObjectKey(key);
    if (baseVersion === undefined || written.metadata.resourceVersion === undefined) this.#written.delete(k);
    else this.#written.set(k, { base: baseVersion, object: written });
  }

  /**
   * The newest known copy of `cached` (an informer's object): our last written object when the cache
   * still holds exactly the version that write replaced (its echo has not arrived yet: on a busy API
   * server a large status takes seconds to come back), else `cached`. Without this, the next write
   * was sent with the replaced version and answered 409 (about 4 in 10 status writes of a
   * 1,000-component payload on the real control plane), and the reconcile decided from the status
   * before its own last write.
   */
  freshest(cached: KubeObject): KubeObject {
    const k = formatObjectKey({ namespace: cached.metadata.namespace ?? "", name: cached.metadata.name });
    const written = this.#written.get(k);
    if (written === undefined) return cached;
    if (cached.metadata.resourceVersion === written.base) return written.object;
    this.#written.delete(k); // the cache caught up with our write, or someone else wrote since
    return cached;
  }

  /** Forgets `key` (its object is gone). */
  forget(key: ObjectKey): void {
    this.#lastWrite.delete(formatObjectKey(key));
    this.#writtenVersion.delete(formatObjectKey(key));
    this.#written.delete(formatObjectKey(key));
  }
}
