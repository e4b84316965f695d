/**
 * `Manager`: owns the shared informers, the controllers, leader election, the probe/metrics
 * server and graceful shutdown (controller-runtime's manager).
 *
 * Lifecycle: `start()` serves probes and starts the informers at once (so every replica warms
 * its caches and `/readyz` reflects store sync), then campaigns for the lease and starts the
 * controllers only once leading (at once when leader election is off). `stop()` (also on
 * SIGTERM/SIGINT through `stopOnSignals`) stops the queues, waits for in-flight reconciles,
 * releases the lease, stops the informers and closes the server. Losing the lease calls
 * `onLeadershipLost`, which by default exits the process with status 1, as client-go users do:
 * a fresh process is the only safe way to drop every in-memory decision.
 *
 * @example
 * ```ts
 * const kc = new KubeConfig();
 * kc.loadFromDefault();
 * const client = createKubeClient(kc);
 * const manager = new Manager({ client, logger: createLogger(), registry: new Registry(),
 *   leaderElection: { namespace: "payload-system", name: "payload-operator", identity: podName },
 *   health: { host: "0.0.0.0", port: 8081 } });
 * const builds = manager.informer(BUILDS, {}, { payload: labelIndexer("payload.okd.io/name") });
 * manager.controller("payloadbuild")
 *   .for(PAYLOAD_BUILDS, {}, generationChanged)
 *   .owns(BUILDS)
 *   .watches(IMAGE_STREAMS, (is) => payloadsUsing(is))
 *   .withMaxConcurrentReconciles(4)
 *   .complete(async (key, ctx) => reconcilePayloadBuild(key, ctx, { client, builds: builds.store }));
 * manager.stopOnSignals();
 * await manager.start();
 * ```
 */
import type { Logger } from "pino";
import { collectDefaultMetrics, type Registry } from "prom-client";
import type { KubeClient } from "../kube/kube-client.js";
import type { KubeObject } from "../kube/kube-object.js";
import type { KubeResource } from "../kube/resource.js";
import { startHealthServer, type HealthServer, type ReadinessCheck } from "../observability/health-server.js";
import { RuntimeMetrics } from "../observability/runtime-metrics.js";
import { systemClock, type Clock } from "./clock.js";
import type { Controller } from "./controller.js";
import { ControllerBuilder } from "./controller-builder.js";
import { EventRecorder } from "./event-recorder.js";
import {
  InformerCache,
  type CacheTransform,
  type Informer,
  type InformerScope,
  type WatcherTuning,
} from "./informer-cache.js";
import { LeaderElector } from "./leader-elector.js";
import type { Indexers } from "./store.js";
import { stripManagedFields } from "./watcher.js";

/** Leader election settings (see `LeaderElector`). */
export interface ManagerLeaderElection {
  readonly namespace: string;
  readonly name: string;
  readonly identity: string;
  readonly leaseDurationMs?: number;
  readonly renewDeadlineMs?: number;
  readonly retryPeriodMs?: number;
}

/** Options of {@link Manager}. */
export interface ManagerOptions {
  readonly client: KubeClient;
  readonly logger: Logger;
  /** Every runtime metric goes here; add yours with `registers: [manager.registry]`. */
  readonly registry: Registry;
  readonly clock?: Clock;
  /** Omit to run controllers without leader election (a single replica). */
  readonly leaderElection?: ManagerLeaderElection;
  /** Probe/metrics server; `false` for none. Default 127.0.0.1 on a random port. */
  readonly health?: { readonly host?: string; readonly port?: number } | false;
  readonly watcherTuning?: WatcherTuning;
  /**
   * Cache objects without `metadata.managedFields` (controller-runtime's
   * `TransformStripManagedFields`), which no reconciler reads. Default true.
   */
  readonly stripManagedFields?: boolean;
  /**
   * Per-resource transforms of the cached objects (after managedFields are dropped), e.g. keeping
   * of a Build only what the controllers read (see `CacheTransform`). Default: none.
   */
  readonly cacheTransforms?: readonly CacheTransform[];
  /** Adds Node process metrics (`process_*`, `nodejs_*`) to the registry. Default true. */
  readonly processMetrics?: boolean;
  /** Called once when the lease is lost. Default: log and `process.exit(1)`. */
  readonly onLeadershipLost?: () => void;
}

/** See the module documentation. */
export class Manager {
  readonly registry: Registry;
  readonly metrics: RuntimeMetrics;
  readonly cache: InformerCache;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly #o: ManagerOptions;
  readonly #controllers: Controller[] = [];
  readonly #checks: ReadinessCheck[] = [];
  readonly #stop = new AbortController();
  readonly #elector: LeaderElector | undefined;
  #server: HealthServer | undefined;
  #leading: Promise<boolean> = Promise.resolve(false);
  #controllersStarted = false;
  #leadingNow = false;
  #stopping: Promise<void> | undefined;

  constructor(options: ManagerOptions) {
    this.#o = options;
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger;
    this.registry = options.registry;
    this.metrics = new RuntimeMetrics(options.registry);
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: options.registry });
    this.cache = new InformerCache({
      client: options.client,
      clock: this.clock,
      logger: options.logger,
      ...(options.watcherTuning === undefined ? {} : { tuning: options.watcherTuning }),
      ...(options.stripManagedFields === false ? {} : { transform: stripManagedFields }),
      ...(options.cacheTransforms === undefined ? {} : { transforms: options.cacheTransforms }),
    });
    this.#checks.push({ name: "informers-synced", check: () => this.cache.isSynced() });
    const le = options.leaderElection;
    if (le !== undefined) {
      this.metrics.setLeader(le.name, false);
      this.#elector = new LeaderElector({
        ...le,
        client: options.client,
        clock: this.clock,
        logger: options.logger,
        onLeadershipChange: (leading) => this.metrics.setLeader(le.name, leading),
      });
    }
  }

  /** A shared informer (see `InformerCache.informer`): read its store from reconcilers. */
  informer<T extends KubeObject>(
    resource: KubeResource<T>,
    scope?: InformerScope,
    indexers?: Indexers<T>,
  ): Informer<T> {
    return this.cache.informer(resource, scope, indexers);
  }

  /** Starts wiring a controller named `name`; `complete()` registers it here. */
  controller(name: string): ControllerBuilder {
    return new ControllerBuilder({
      name,
      cache: this.cache,
      clock: this.clock,
      logger: this.logger,
      metrics: this.metrics,
      register: (c) => this.#register(c),
    });
  }

  /** An event recorder writing through this manager's client. */
  eventRecorder(
    reportingController: string,
    reportingInstance: string,
    limits: { qps?: number; burst?: number } = {},
  ): EventRecorder {
    return new EventRecorder({
      client: this.#o.client,
      clock: this.clock,
      logger: this.logger,
      reportingController,
      reportingInstance,
      ...limits,
    });
  }

  /** Adds a check to `/readyz`. */
  addReadinessCheck(check: ReadinessCheck): void {
    this.#checks.push(check);
  }

  /** Base URL of the probe server, once started. */
  get healthUrl(): string | undefined {
    return this.#server?.url;
  }

  /** True while this manager's controllers run (leading, or no leader election). */
  get isLeader(): boolean {
    return this.#leadingNow;
  }

  /** Resolves true once controllers started, false if stopped before leading. */
  get leading(): Promise<boolean> {
    return this.#leading;
  }

  /** Serves probes, starts informers, and starts controllers once leading. Returns once serving. */
  async start(): Promise<void> {
    if (this.#o.health !== false) {
      this.#server = await startHealthServer({
        registry: this.registry,
        readiness: () => this.#checks,
        ...(this.#o.health ?? {}),
      });
      this.logger.info({ url: this.#server.url }, "serving /healthz, /readyz and /metrics");
    }
    this.cache.start();
    const elector = this.#elector;
    this.#leading =
      elector === undefined
        ? Promise.resolve(this.#startControllers())
        : elector
            .acquire(this.#stop.signal, () => this.#lost())
            .then((won) => won && !this.#stop.signal.aborted && this.#startControllers());
  }

  /** Graceful stop; safe to call more than once (later calls wait for the first). */
  stop(): Promise<void> {
    this.#stopping ??= this.#doStop();
    return this.#stopping;
  }

  /**
   * On the first of `signals`, stops gracefully and then exits the process with `exitCode`
   * (default 0; `null` to stay alive). Returns a function removing the handlers.
   */
  stopOnSignals(
    options: { readonly signals?: readonly NodeJS.Signals[]; readonly exitCode?: number | null } = {},
  ): () => void {
    const signals = options.signals ?? ["SIGTERM", "SIGINT"];
    const exitCode = options.exitCode === undefined ? 0 : options.exitCode;
    const handler = (signal: NodeJS.Signals): void => {
      this.logger.info({ signal }, "shutting down");
      void this.stop().then(() => {
        if (exitCode !== null) process.exit(exitCode);
      });
    };
    for (const s of signals) process.once(s, handler);
    return () => {
      for (const s of signals) process.off(s, handler);
    };
  }

  #register(controller: Controller): void {
    this.#controllers.push(controller);
    if (this.#controllersStarted) controller.start();
  }

  #startControllers(): boolean {
    this.#controllersStarted = true;
    this.#leadingNow = true;
    for (const c of this.#controllers) c.start();
    return true;
  }

  #lost(): void {
    this.#leadingNow = false;
    this.logger.fatal("leader election lost; stopping");
    // Do not wait for in-flight reconciles: another replica may already lead.
    for (const c of this.#controllers) void c.stop();
    if (this.#o.onLeadershipLost !== undefined) this.#o.onLeadershipLost();
    else process.exit(1);
  }

  async #doStop(): Promise<void> {
    this.#stop.abort();
    this.#leadingNow = false;
    await Promise.all(this.#controllers.map((c) => c.stop()));
    await this.#elector?.release();
    await this.cache.stop();
    await this.#server?.close();
    this.logger.info("manager stopped");
  }
}
