/**
 * Leader election on a `coordination.k8s.io/v1` Lease, with client-go's semantics.
 *
 * - Acquire: take the lease when it is free (no holder) or expired, judged by *our* clock from
 *   when we last saw its record change (so clock skew between replicas does not matter).
 * - Every write is a PUT carrying the resourceVersion we read: a 409 means another candidate
 *   won the race, never that two leaders exist.
 * - Renew every `retryPeriodMs`; if no renewal succeeds within `renewDeadlineMs`, leadership is
 *   lost: `onLost` runs once (the manager then exits the process, like client-go's users).
 * - `release()` (graceful shutdown) clears the holder so another candidate takes over at once.
 *
 * Caveat: `renewDeadlineMs` must be shorter than `leaseDurationMs`, so we give up before
 * another candidate may consider the lease expired.
 */
import type { Logger } from "pino";
import { z } from "zod";
import { isAlreadyExists, isConflict, isNotFound } from "../kube/kube-errors.js";
import type { KubeClient } from "../kube/kube-client.js";
import { kubeObjectSchema } from "../kube/kube-object.js";
import { kubeResource, LEASES, type KubeResource } from "../kube/resource.js";
import { sleep, type CancelTimer, type Clock } from "./clock.js";

const leaseSpecSchema = z.looseObject({
  holderIdentity: z.string().nullish(),
  leaseDurationSeconds: z.number().int().nullish(),
  acquireTime: z.string().nullish(),
  renewTime: z.string().nullish(),
  leaseTransitions: z.number().int().nullish(),
});
const leaseSchema = kubeObjectSchema.extend({ spec: leaseSpecSchema.optional() });
type Lease = z.infer<typeof leaseSchema>;
type LeaseSpec = z.infer<typeof leaseSpecSchema>;
const LEASE: KubeResource<Lease> = kubeResource(LEASES, leaseSchema);

/** `metav1.MicroTime` text (RFC 3339 with microseconds). */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}

/** Options of {@link LeaderElector}; durations default to controller-runtime's (15 s, 10 s, 2 s). */
export interface LeaderElectorOptions {
  readonly client: KubeClient;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly namespace: string;
  readonly name: string;
  /** Unique per process (e.g. pod name + random suffix). */
  readonly identity: string;
  readonly leaseDurationMs?: number;
  readonly renewDeadlineMs?: number;
  readonly retryPeriodMs?: number;
  /** Leadership changed (for the `leader_election_master_status` gauge). */
  readonly onLeadershipChange?: (leading: boolean) => void;
}

/** See the module documentation. */
export class LeaderElector {
  readonly #o: LeaderElectorOptions;
  readonly #leaseMs: number;
  readonly #deadlineMs: number;
  readonly #retryMs: number;
  #observed: string | undefined;
  #observedAt = 0;
  #leading = false;
  #lastRenew = 0;
  #cancelRenew: CancelTimer | undefined;
  #renewing: Promise<boolean> | undefined;
  #stopped = false;

  constructor(options: LeaderElectorOptions) {
    this.#o = options;
    this.#leaseMs = options.leaseDurationMs ?? 15_000;
    this.#deadlineMs = options.renewDeadlineMs ?? 10_000;
    this.#retryMs = options.retryPeriodMs ?? 2_000;
    if (this.#deadlineMs >= this.#leaseMs)
      throw new Error(
        `renewDeadlineMs (${this.#deadlineMs}) must be less than leaseDurationMs (${this.#leaseMs})`,
      );
  }

  /** True while this process holds the lease. */
  get isLeader(): boolean {
    return this.#leading;
  }

  /**
   * Tries every retry period until the lease is ours (true) or `signal` aborts (false). Once
   * leading, renews in the background and calls `onLost` once if renewal fails for
   * `renewDeadlineMs` (or the lease is taken over).
   */
  async acquire(signal: AbortSignal, onLost: () => void): Promise<boolean> {
    this.#o.logger.info(
      { lease: this.#o.name, identity: this.#o.identity },
      "attempting to acquire leader lease",
    );
    while (!signal.aborted && !this.#stopped) {
      if (await this.#tryAcquireOrRenew()) {
        this.#setLeading(true);
        this.#lastRenew = this.#o.clock.now();
        this.#o.logger.info({ lease: this.#o.name, identity: this.#o.identity }, "acquired leader lease");
        this.#scheduleRenew(onLost);
        return true;
      }
      await sleep(this.#o.clock, this.#retryMs * (1 + Math.random() * 0.2), signal);
    }
    return false;
  }

  /**
   * Stops renewing and, if leading, hands the lease back (holder cleared). A renewal in flight is
   * waited for first, and a conflict (the lease written between our read and our write) is read
   * again, up to 3 times, so a slow API server does not leave the lease held until it expires.
   * Never throws.
   */
  async release(): Promise<void> {
    this.#stopped = true;
    this.#cancelRenew?.();
    if (!this.#leading) return;
    this.#setLeading(false);
    await this.#renewing;
    for (let attempt = 1; ; attempt++) {
      try {
        const lease = await this.#o.client.get(LEASE, { namespace: this.#o.namespace, name: this.#o.name });
        if (lease.spec?.holderIdentity !== this.#o.identity) return;
        const now = microTime(this.#o.clock.now());
        const spec: LeaseSpec = {
          ...lease.spec,
          holderIdentity: "",
          leaseDurationSeconds: 1,
          renewTime: now,
          acquireTime: now,
        };
        await this.#o.client.replace(LEASE, { ...lease, spec });
        this.#o.logger.info({ lease: this.#o.name }, "released leader lease");
        return;
      } catch (err: unknown) {
        if (isConflict(err) && attempt < 3) continue;
        this.#o.logger.warn(
          { lease: this.#o.name, err: err instanceof Error ? err.message : String(err) },
          "could not release leader lease",
        );
        return;
      }
    }
  }

  #setLeading(leading: boolean): void {
    if (this.#leading === leading) return;
    this.#leading = leading;
    this.#o.onLeadershipChange?.(leading);
  }

  #scheduleRenew(onLost: () => void): void {
    this.#cancelRenew = this.#o.clock.setTimer(
      () => {
        if (this.#stopped) return;
        if (this.#o.clock.now() - this.#lastRenew > this.#deadlineMs) {
          this.#setLeading(false);
          this.#stopped = true;
          this.#o.logger.error(
            { lease: this.#o.name, identity: this.#o.identity },
            "leader lease lost: no renewal within the renew deadline",
          );
          onLost();
          return;
        }
        if (this.#renewing === undefined) {
          const renewal = this.#tryAcquireOrRenew();
          this.#renewing = renewal;
          void renewal.then((ok) => {
            this.#renewing = undefined;
            if (ok && !this.#stopped) this.#lastRenew = this.#o.clock.now();
          });
        }
        this.#scheduleRenew(onLost);
      },
      Math.min(this.#retryMs, this.#deadlineMs / 4),
    );
  }

  /** One attempt; false on any failure (logged at debug), never throws. */
  async #tryAcquireOrRenew(): Promise<boolean> {
    const key = { namespace: this.#o.namespace, name: this.#o.name };
    const now = this.#o.clock.now();
    const ours: LeaseSpec = {
      holderIdentity: this.#o.identity,
      leaseDurationSeconds: Math.ceil(this.#leaseMs / 1000),
      acquireTime: microTime(now),
      renewTime: microTime(now),
      leaseTransitions: 0,
    };
    try {
      let lease: Lease;
      try {
        lease = await this.#o.client.get(LEASE, key);
      } catch (err: unknown) {
        if (!isNotFound(err)) throw err;
        await this.#o.client.create(LEASE, { metadata: { ...key }, spec: ours });
        this.#observe(ours, now);
        return true;
      }
      const spec = lease.spec ?? {};
      this.#observe(spec, now);
      const holder = spec.holderIdentity ?? "";
      const durationMs = (spec.leaseDurationSeconds ?? 0) * 1000;
      if (holder !== "" && holder !== this.#o.identity && this.#observedAt + durationMs > now) return false;
      const renewing = holder === this.#o.identity;
      const next: LeaseSpec = {
        ...ours,
        acquireTime: renewing ? (spec.acquireTime ?? ours.acquireTime) : ours.acquireTime,
        leaseTransitions: (spec.leaseTransitions ?? 0) + (renewing ? 0 : 1),
      };
      await this.#o.client.replace(LEASE, { ...lease, spec: next });
      this.#observe(next, now);
      return true;
    } catch (err: unknown) {
      const level = isConflict(err) || isAlreadyExists(err) ? "debug" : "warn";
      this.#o.logger[level](
        { lease: this.#o.name, err: err instanceof Error ? err.message : String(err) },
        "leader lease attempt failed",
      );
      return false;
    }
  }

  #observe(spec: LeaseSpec, now: number): void {
    const text = JSON.stringify([
      spec.holderIdentity,
      spec.renewTime,
      spec.leaseTransitions,
      spec.leaseDurationSeconds,
    ]);
    if (text !== this.#observed) {
      this.#observed = text;
      this.#observedAt = now;
    }
  }
}
