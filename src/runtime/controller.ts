/**
 * `Controller`: runs a reconciler per object key, fed by informers through a de-duplicating
 * work queue (kube-rs `Controller::run`, controller-runtime `reconcileHandler`).
 *
 * Guarantees:
 * - Level-triggered: the reconciler gets a key, never the event; it must read current state.
 * - At most one reconcile per key at a time; at most `maxConcurrentReconciles` overall.
 * - A change seen during a reconcile leads to exactly one more reconcile afterwards.
 * - With `debounce`, watch events for one key are coalesced: the key is queued once it has been
 *   quiet for the window, and at most `maxDelayMs` after its first event (kube-rs `debounce`,
 *   bounded). Requeues and retries are never debounced.
 * - One error policy: a thrown error requeues the key with per-key exponential backoff (and
 *   honours a 429's Retry-After); a {@link TerminalError} is logged and counted, not retried;
 *   success resets the backoff, then `requeueAfterMs` schedules the next visit.
 * - Workers start only once every source's store is synced.
 * - `stop()` stops handing out keys and waits for in-flight reconciles to finish.
 */
import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import { TooManyRequestsError } from "../kube/kube-errors.js";
import { parseObjectKey, type ObjectKey } from "../kube/resource.js";
import type { ControllerMetrics } from "../observability/runtime-metrics.js";
import { reconcileLogger } from "../observability/logger.js";
import type { Clock } from "./clock.js";
import type { DebounceOptions } from "./debounce.js";
import { isTerminalError, type Outcome } from "./outcome.js";
import type { RateLimiterOptions } from "./rate-limiter.js";
import type { Store } from "./store.js";
import type { KubeObject } from "../kube/kube-object.js";
import { WorkQueue } from "./work-queue.js";

/** What a reconcile gets besides the key. */
export interface ReconcileContext {
  /** Child logger carrying `controller`, `key` and `reconcileID`. */
  readonly log: Logger;
  readonly reconcileID: string;
  /** Failed attempts of this key since its last success. */
  readonly retries: number;
  /** Aborted when the controller is stopping; in-flight reconciles are still awaited. */
  readonly signal: AbortSignal;
}

/** Reconciles one object, identified by key, towards its desired state. Idempotent. */
export type Reconciler = (key: ObjectKey, ctx: ReconcileContext) => Promise<Outcome>;

/** Options of {@link Controller}. */
export interface ControllerOptions {
  /** Name in logs and metrics (`controller` label). */
  readonly name: string;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Default 1. */
  readonly maxConcurrentReconciles?: number;
  readonly rateLimiter?: RateLimiterOptions;
  /** Coalescing of watch-triggered enqueues (see the module documentation); default none. */
  readonly debounce?: DebounceOptions;
  /** Builds the metrics sink given the queue's in-flight probe; omit for none. */
  readonly metrics?: (
    inFlight: () => { unfinishedSeconds: number; longestSeconds: number },
  ) => ControllerMetrics;
}

/** See the module documentation. Usually built through `ControllerBuilder`. */
export class Controller {
  readonly name: string;
  readonly queue: WorkQueue;
  readonly #o: ControllerOptions;
  readonly #reconciler: Reconciler;
  readonly #metrics: ControllerMetrics | undefined;
  readonly #stores: Store<KubeObject>[] = [];
  readonly #stop = new AbortController();
  #workers: Promise<void>[] = [];
  #active = 0;
  #started = false;

  constructor(options: ControllerOptions, reconciler: Reconciler) {
    this.name = options.name;
    this.#o = options;
    this.#reconciler = reconciler;
    // The queue is created before its metrics sink, which needs the queue's in-flight probe.
    const sink: { metrics?: ControllerMetrics } = {};
    this.queue = new WorkQueue({
      clock: options.clock,
      ...(options.rateLimiter === undefined ? {} : { rateLimiter: options.rateLimiter }),
      ...(options.debounce === undefined ? {} : { debounce: options.debounce }),
      observer: {
        added: () => sink.metrics?.queue.added(),
        depth: (n) => sink.metrics?.queue.depth(n),
        queued: (s) => sink.metrics?.queue.queued(s),
        worked: (s) => sink.metrics?.queue.worked(s),
        retried: () => sink.metrics?.queue.retried(),
      },
    });
    const metrics = options.metrics?.(() => this.queue.inFlight());
    if (metrics !== undefined) sink.metrics = metrics;
    this.#metrics = metrics;
  }

  /** Queues a key (`namespace/name`) for reconciliation, debounced when the controller debounces. */
  enqueue(key: string): void {
    this.queue.addDebounced(key);
  }

  /** A store whose sync the workers wait for before starting. */
  waitForStore(store: Store<KubeObject>): void {
    this.#stores.push(store);
  }

  /** Number of reconciles running now. */
  get activeWorkers(): number {
    return this.#active;
  }

  /** Starts the workers once all stores are synced. Returns at once; a second call does nothing. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    const n = Math.max(1, this.#o.maxConcurrentReconciles ?? 1);
    const synced = Promise.all(this.#stores.map((s) => s.waitForSync(this.#stop.signal)));
    this.#workers = Array.from({ length: n }, () => synced.then(() => this.#work()));
    this.#o.logger.info({ controller: this.name, workers: n }, "controller starting");
  }

  /** Stops handing out keys and waits for in-flight reconciles. */
  async stop(): Promise<void> {
    this.#stop.abort();
    this.queue.shutDown();
    await this.queue.drain();
    await Promise.all(this.#workers);
    this.#o.logger.info({ controller: this.name }, "controller stopped");
  }

  async #work(): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined) return;
      this.#metrics?.setActiveWorkers(++this.#active);
      try {
        await this.#reconcileOne(key);
      } finally {
        this.#metrics?.setActiveWorkers(--this.#active);
        this.queue.done(key);
      }
    }
  }

  async #reconcileOne(key: string): Promise<void> {
    const reconcileID = randomUUID();
    const log = reconcileLogger(this.#o.logger, this.name, key, reconcileID);
    const started = this.#o.clock.now();
    const retries = this.queue.retries(key);
    let outcome: Outcome | undefined;
    let error: unknown;
    try {
      outcome = await this.#reconciler(parseObjectKey(key), {
        log,
        reconcileID,
        retries,
        signal: this.#stop.signal,
      });
    } catch (err: unknown) {
      error = err;
    }
    const seconds = (this.#o.clock.now() - started) / 1000;
    if (outcome !== undefined) {
      this.queue.forget(key);
      if (outcome.requeueAfterMs === null) {
        this.#metrics?.reconciled("success", seconds, false);
        log.debug({ seconds }, "reconciled");
      } else {
        this.queue.addAfter(key, outcome.requeueAfterMs);
        this.#metrics?.reconciled(outcome.requeueAfterMs === 0 ? "requeue" : "requeue_after", seconds, false);
        log.debug({ seconds, requeueAfterMs: outcome.requeueAfterMs }, "reconciled; requeue scheduled");
      }
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    if (isTerminalError(error)) {
      this.queue.forget(key);
      this.#metrics?.reconciled("error", seconds, true);
      log.error({ err: message, seconds }, "reconcile failed terminally; not retrying");
      return;
    }
    const retryAfter = error instanceof TooManyRequestsError ? (error.retryAfterMs ?? 0) : 0;
    const delay = this.queue.addRateLimited(key, retryAfter);
    this.#metrics?.reconciled("error", seconds, false);
    log.error(
      { err: message, seconds, retries: retries + 1, retryInMs: delay },
      "reconcile failed; retrying with backoff",
    );
  }
}
