/**
 * The PayloadBuild controller's own Prometheus metrics, next to the runtime's on the manager's
 * registry. Labels are bounded (backend, result): no object or component names.
 */
import { Counter, Histogram, type Registry } from "prom-client";

/** Buckets of the time from PayloadBuild creation to its pushed release (seconds, 1 s to 12 h). */
const TIME_TO_RELEASE_BUCKETS = [
  1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 14400, 28800, 43200,
];

/** Buckets of one release assembly's duration (seconds, 50 ms to 10 min). */
const ASSEMBLY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

/** Counters and histograms of component builds, releases and status writes. Create one per registry. */
export class PayloadMetrics {
  readonly #started: Counter<"backend">;
  readonly #failed: Counter<"backend">;
  readonly #retried: Counter<"backend">;
  readonly #releases: Counter<"result">;
  readonly #timeToRelease: Histogram;
  readonly #assembly: Histogram;
  readonly #statusWrites: Counter<"result">;
  readonly #startsDeferred: Counter;

  constructor(registry: Registry) {
    const registers = [registry];
    this.#started = new Counter({
      name: "payload_operator_builds_started_total",
      help: "Component builds (Builds or BuildRuns) created, retries included",
      labelNames: ["backend"],
      registers,
    });
    this.#failed = new Counter({
      name: "payload_operator_builds_failed_total",
      help: "Component build attempts observed to fail",
      labelNames: ["backend"],
      registers,
    });
    this.#retried = new Counter({
      name: "payload_operator_builds_retried_total",
      help: "Component builds created as a retry of a failed attempt",
      labelNames: ["backend"],
      registers,
    });
    this.#releases = new Counter({
      name: "payload_operator_release_push_total",
      help: "Release assemblies and pushes by result (success, error)",
      labelNames: ["result"],
      registers,
    });
    this.#timeToRelease = new Histogram({
      name: "payload_operator_time_to_release_seconds",
      help: "Time from a PayloadBuild's creation to its release being pushed",
      buckets: TIME_TO_RELEASE_BUCKETS,
      registers,
    });
    this.#assembly = new Histogram({
      name: "payload_operator_release_assembly_seconds",
      help: "Time one release assembly took, from reading the components to the release pushed",
      buckets: ASSEMBLY_BUCKETS,
      registers,
    });
    this.#statusWrites = new Counter({
      name: "payload_operator_status_writes_total",
      help: "PayloadBuild /status writes by result (written, deferred by the rate limit, unchanged)",
      labelNames: ["result"],
      registers,
    });
    this.#startsDeferred = new Counter({
      name: "payload_operator_build_starts_deferred_total",
      help: "Component builds ready to start that waited for the PayloadBuild's next status write",
      registers,
    });
    for (const result of ["success", "error"]) this.#releases.inc({ result }, 0);
  }

  /** A build was created (attempt 1) or re-created as a retry (attempt > 1). */
  buildStarted(backend: string, attempt: number): void {
    this.#started.inc({ backend });
    if (attempt > 1) this.#retried.inc({ backend });
  }

  /** A build attempt was seen failing for the first time. */
  buildFailed(backend: string): void {
    this.#failed.inc({ backend });
  }

  /**
   * A release was pushed `seconds` after its PayloadBuild was created, by an assembly that took
   * `assemblySeconds`.
   */
  releasePushed(seconds: number, assemblySeconds: number): void {
    this.#releases.inc({ result: "success" });
    if (Number.isFinite(seconds) && seconds >= 0) this.#timeToRelease.observe(seconds);
    if (Number.isFinite(assemblySeconds) && assemblySeconds >= 0) this.#assembly.observe(assemblySeconds);
  }

  /** Assembling or pushing a release failed. */
  releaseFailed(): void {
    this.#releases.inc({ result: "error" });
  }

  /** `n` ready builds wait for the status interval (their attempts are recorded with the next write). */
  startsDeferred(n: number): void {
    this.#startsDeferred.inc(n);
  }

  /** A status write happened, was deferred by the per-object rate limit, or was not needed. */
  statusWrite(result: "written" | "deferred" | "unchanged"): void {
    this.#statusWrites.inc({ result });
  }
}
