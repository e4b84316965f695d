/**
 * Prometheus metrics of the controller runtime, with controller-runtime's and client-go's names
 * so existing dashboards and alerts work. Everything is registered on the registry passed in
 * (never prom-client's global one); other modules add their own metrics to the same
 * {@link RuntimeMetrics.registry}.
 */
import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import type { WorkQueueObserver } from "../runtime/work-queue.js";

/** controller-runtime's reconcile_time buckets (seconds). */
const RECONCILE_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.25, 1.5,
  1.75, 2, 2.5, 3, 3.5, 4, 4.5, 5, 6, 7, 8, 9, 10, 15, 20, 25, 30, 40, 50, 60,
];
/** client-go workqueue buckets: 10 ns * 10^k, 12 buckets. */
const QUEUE_BUCKETS = Array.from({ length: 12 }, (_, k) => 1e-8 * 10 ** k);

/** Results counted by `controller_runtime_reconcile_total`. */
export type ReconcileResult = "success" | "error" | "requeue" | "requeue_after";

/** What the controller reports about one reconcile. */
export interface ControllerMetrics {
  /** A reconcile ended: its result, duration, and whether the error was terminal. */
  reconciled(result: ReconcileResult, seconds: number, terminal: boolean): void;
  setActiveWorkers(n: number): void;
  /** The observer to give the controller's work queue. */
  readonly queue: WorkQueueObserver;
}

type InFlightProbe = () => { unfinishedSeconds: number; longestSeconds: number };

/** All runtime metrics on one registry. Create one per registry (names must be unique there). */
export class RuntimeMetrics {
  readonly #reconcileTotal: Counter<"controller" | "result">;
  readonly #reconcileErrors: Counter<"controller">;
  readonly #terminalErrors: Counter<"controller">;
  readonly #reconcileTime: Histogram<"controller">;
  readonly #maxConcurrent: Gauge<"controller">;
  readonly #activeWorkers: Gauge<"controller">;
  readonly #adds: Counter<"name" | "controller">;
  readonly #depth: Gauge<"name" | "controller">;
  readonly #queueDuration: Histogram<"name" | "controller">;
  readonly #workDuration: Histogram<"name" | "controller">;
  readonly #retries: Counter<"name" | "controller">;
  readonly #leader: Gauge<"name">;
  readonly #probes = new Map<string, InFlightProbe>();

  constructor(readonly registry: Registry) {
    const registers = [registry];
    const probes = this.#probes;
    this.#reconcileTotal = new Counter({
      name: "controller_runtime_reconcile_total",
      help: "Total number of reconciliations per controller",
      labelNames: ["controller", "result"],
      registers,
    });
    this.#reconcileErrors = new Counter({
      name: "controller_runtime_reconcile_errors_total",
      help: "Total number of reconciliation errors per controller",
      labelNames: ["controller"],
      registers,
    });
    this.#terminalErrors = new Counter({
      name: "controller_runtime_terminal_reconcile_errors_total",
      help: "Total number of terminal reconciliation errors per controller",
      labelNames: ["controller"],
      registers,
    });
    this.#reconcileTime = new Histogram({
      name: "controller_runtime_reconcile_time_seconds",
      help: "Length of time per reconciliation per controller",
      labelNames: ["controller"],
      buckets: RECONCILE_BUCKETS,
      registers,
    });
    this.#maxConcurrent = new Gauge({
      name: "controller_runtime_max_concurrent_reconciles",
      help: "Maximum number of concurrent reconciles per controller",
      labelNames: ["controller"],
      registers,
    });
    this.#activeWorkers = new Gauge({
      name: "controller_runtime_active_workers",
      help: "Number of currently used workers per controller",
      labelNames: ["controller"],
      registers,
    });
    this.#adds = new Counter({
      name: "workqueue_adds_total",
      help: "Total number of adds handled by workqueue",
      labelNames: ["name", "controller"],
      registers,
    });
    this.#depth = new Gauge({
      name: "workqueue_depth",
      help: "Current depth of workqueue",
      labelNames: ["name", "controller"],
      registers,
    });
    this.#queueDuration = new Histogram({
      name: "workqueue_queue_duration_seconds",
      help: "How long in seconds an item stays in workqueue before being requested",
      labelNames: ["name", "controller"],
      buckets: QUEUE_BUCKETS,
      registers,
    });
    this.#workDuration = new Histogram({
      name: "workqueue_work_duration_seconds",
      help: "How long in seconds processing an item from workqueue takes",
      labelNames: ["name", "controller"],
      buckets: QUEUE_BUCKETS,
      registers,
    });
    this.#retries = new Counter({
      name: "workqueue_retries_total",
      help: "Total number of retries handled by workqueue",
      labelNames: ["name", "controller"],
      registers,
    });
    new Gauge({
      name: "workqueue_unfinished_work_seconds",
      help: "How many seconds of work has been done that is in progress and hasn't been observed by work_duration",
      labelNames: ["name", "controller"],
      registers,
      collect() {
        for (const [name, probe] of probes) this.set({ name, controller: name }, probe().unfinishedSeconds);
      },
    });
    new Gauge({
      name: "workqueue_longest_running_processor_seconds",
      help: "How many seconds has the longest running processor for workqueue been running",
      labelNames: ["name", "controller"],
      registers,
      collect() {
        for (const [name, probe] of probes) this.set({ name, controller: name }, probe().longestSeconds);
      },
    });
    this.#leader = new Gauge({
      name: "leader_election_master_status",
      help: "Gauge of if the reporting system is master of the relevant lease, 0 indicates backup, 1 indicates master",
      labelNames: ["name"],
      registers,
    });
  }

  /**
   * Metrics of one controller (its queue is named after it, as in controller-runtime).
   * `inFlight` is read at scrape time for the unfinished-work gauges.
   */
  forController(
    controller: string,
    maxConcurrentReconciles: number,
    inFlight: InFlightProbe,
  ): ControllerMetrics {
    for (const result of ["success", "error", "requeue", "requeue_after"] as const)
      this.#reconcileTotal.inc({ controller, result }, 0);
    this.#reconcileErrors.inc({ controller }, 0);
    this.#terminalErrors.inc({ controller }, 0);
    this.#maxConcurrent.set({ controller }, maxConcurrentReconciles);
    this.#activeWorkers.set({ controller }, 0);
    this.#probes.set(controller, inFlight);
    const q = { name: controller, controller };
    this.#adds.inc(q, 0);
    this.#retries.inc(q, 0);
    this.#depth.set(q, 0);
    return {
      reconciled: (result, seconds, terminal) => {
        this.#reconcileTotal.inc({ controller, result });
        this.#reconcileTime.observe({ controller }, seconds);
        if (result === "error") this.#reconcileErrors.inc({ controller });
        if (terminal) this.#terminalErrors.inc({ controller });
      },
      setActiveWorkers: (n) => this.#activeWorkers.set({ controller }, n),
      queue: {
        added: () => this.#adds.inc(q),
        depth: (n) => this.#depth.set(q, n),
        queued: (s) => this.#queueDuration.observe(q, s),
        worked: (s) => this.#workDuration.observe(q, s),
        retried: () => this.#retries.inc(q),
      },
    };
  }

  /** Sets `leader_election_master_status{name}` (1 while leading). */
  setLeader(leaseName: string, leading: boolean): void {
    this.#leader.set({ name: leaseName }, leading ? 1 : 0);
  }
}
