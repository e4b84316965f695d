/**
 * The simulated job runner: a controller that reaches the cluster only through the API (the dev
 * cluster, or a real kube-apiserver where no job controller runs) and finishes `batch/v1` Jobs the
 * way the Job controller reports them: `startTime` and `active: 1` when it starts, then after the
 * configured duration either `succeeded: 1`, `completionTime` and the conditions `SuccessCriteriaMet`
 * + `Complete`, or `failed: 1` and `FailureTarget` + `Failed` (reason `BackoffLimitExceeded`). No pod
 * runs. A test configures, per name of the Job's first container, how long Jobs take and whether
 * they fail.
 */
import type { KubeConfig } from "@kubernetes/client-node";
import type { Logger } from "pino";
import { Registry } from "prom-client";
import { createKubeClient, type KubeClient } from "../../kube/kube-client.js";
import { isConflict, isNotFound } from "../../kube/kube-errors.js";
import type { ObjectKey } from "../../kube/resource.js";
import { silentLogger } from "../../observability/logger.js";
import { systemClock, type Clock } from "../../runtime/clock.js";
import { Manager } from "../../runtime/manager.js";
import { awaitChange, requeueAfter, type Outcome } from "../../runtime/outcome.js";
import type { DevClusterAddon } from "../dev-cluster.js";
import { JOB_OBJECTS, type JobCondition, type JobObject } from "./upstream-job.js";

/** How the Jobs whose first container has a given name behave. */
export interface JobBehaviour {
  /** Run time before the speed factor (default 1000 ms). */
  readonly durationMs?: number;
  /** Every Job fails. */
  readonly failAlways?: boolean;
  /** The next N Jobs fail, later ones succeed. */
  readonly failTimes?: number;
  /** Message of the Failed condition. */
  readonly failMessage?: string;
}

/** Behaviours by container name, the failure decisions made (once per Job), and the speed factor. */
export class JobBehaviours {
  readonly #behaviours = new Map<string, JobBehaviour>();
  readonly #failed = new Map<string, number>();
  readonly #decisions = new Map<string, boolean>();
  constructor(readonly speed = 1) {}

  /** Replaces the behaviour of Jobs whose first container is `container`. */
  set(container: string, behaviour: JobBehaviour): void {
    this.#behaviours.set(container, { ...behaviour });
    this.#failed.delete(container);
  }

  durationMs(container: string): number {
    return Math.round((this.#behaviours.get(container)?.durationMs ?? 1000) / this.speed);
  }

  /** Whether Job `uid` fails; decided once per Job. */
  fails(container: string, uid: string): boolean {
    const decided = this.#decisions.get(uid);
    if (decided !== undefined) return decided;
    const b = this.#behaviours.get(container);
    const failedSoFar = this.#failed.get(container) ?? 0;
    const fails = b?.failAlways === true || failedSoFar < (b?.failTimes ?? 0);
    if (fails) this.#failed.set(container, failedSoFar + 1);
    this.#decisions.set(uid, fails);
    return fails;
  }

  failMessage(container: string): string {
    return this.#behaviours.get(container)?.failMessage ?? "Job has reached the specified backoff limit";
  }
}

/** Options of {@link startJobRunner}. */
export interface JobRunnerOptions {
  readonly behaviours?: JobBehaviours;
  /** Divides durations (default 1). */
  readonly speed?: number;
  readonly clock?: Clock;
  readonly logger?: Logger;
}

/** A running job runner. */
export interface RunningJobRunner {
  setBehaviour(container: string, behaviour: JobBehaviour): void;
  stop(): Promise<void>;
}

function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

function isFinished(job: JobObject): boolean {
  return (job.status?.conditions ?? []).some(
    (c) => (c.type === "Complete" || c.type === "Failed") && c.status === "True",
  );
}

function condition(type: string, reason: string, message: string, nowMs: number): JobCondition {
  const at = rfc3339(nowMs);
  return { type, status: "True", reason, message, lastProbeTime: at, lastTransitionTime: at };
}

/** The reconciler: one step of one Job per call. */
export function jobRunnerReconciler(client: KubeClient, behaviours: JobBehaviours, clock: Clock) {
  return async (key: ObjectKey): Promise<Outcome> => {
    let job: JobObject;
    try {
      job = await client.get(JOB_OBJECTS, key);
    } catch (err) {
      if (isNotFound(err)) return awaitChange();
      throw err;
    }
    if (job.metadata.deletionTimestamp !== undefined || isFinished(job) || job.spec?.suspend === true)
      return awaitChange();
    const container = job.spec?.template?.spec?.containers?.[0]?.name ?? "";
    const now = clock.now();
    const started = Date.parse(job.status?.startTime ?? "");
    const status = job.status ?? {};
    let next: Record<string, unknown>;
    if (Number.isNaN(started)) {
      next = { ...status, startTime: rfc3339(now), active: 1, ready: 0 };
    } else {
      const remaining = started + behaviours.durationMs(container) - now;
      if (remaining > 0) return requeueAfter(remaining);
      const conditions = status.conditions ?? [];
      next = behaviours.fails(container, job.metadata.uid ?? key.name)
        ? {
            ...status,
            active: 0,
            ready: 0,
            failed: 1,
            conditions: [
              ...conditions,
              condition("FailureTarget", "BackoffLimitExceeded", behaviours.failMessage(container), now),
              condition("Failed", "BackoffLimitExceeded", behaviours.failMessage(container), now),
            ],
          }
        : {
            ...status,
            active: 0,
            ready: 0,
            succeeded: 1,
            completionTime: rfc3339(now),
            conditions: [
              ...conditions,
              condition(
                "SuccessCriteriaMet",
                "CompletionsReached",
                "Reached expected number of succeeded pods",
                now,
              ),
              condition("Complete", "CompletionsReached", "Reached expected number of succeeded pods", now),
            ],
          };
    }
    try {
      await client.replaceStatus(JOB_OBJECTS, { ...job, status: next });
    } catch (err) {
      if (isConflict(err) || isNotFound(err)) return requeueAfter(50);
      throw err;
    }
    return Number.isNaN(started) ? requeueAfter(behaviours.durationMs(container)) : awaitChange();
  };
}

/** Starts the runner against the cluster `kubeConfig` points at. Resolves once watching. */
export async function startJobRunner(
  options: JobRunnerOptions & { readonly kubeConfig: KubeConfig },
): Promise<RunningJobRunner> {
  const logger = (options.logger ?? silentLogger()).child({ component: "simulated-job-runner" });
  const clock = options.clock ?? systemClock;
  const client = createKubeClient(options.kubeConfig);
  const behaviours = options.behaviours ?? new JobBehaviours(options.speed ?? 1);
  const manager = new Manager({
    client,
    logger,
    registry: new Registry(),
    clock,
    health: false,
    processMetrics: false,
  });
  const reconcile = jobRunnerReconciler(client, behaviours, clock);
  manager
    .controller("simulated-jobs")
    .for(JOB_OBJECTS)
    .withMaxConcurrentReconciles(8)
    .complete((key) => reconcile(key));
  await manager.start();
  return { setBehaviour: (c, b) => behaviours.set(c, b), stop: () => manager.stop() };
}

/** A dev cluster addon that also takes behaviour changes. */
export type JobRunnerAddon = DevClusterAddon & {
  setBehaviour(container: string, behaviour: JobBehaviour): void;
};

/** The runner as a dev cluster addon: `startDevCluster({ addons: [jobRunnerAddon()] })`. */
export function jobRunnerAddon(options: JobRunnerOptions = {}): JobRunnerAddon {
  const behaviours = options.behaviours ?? new JobBehaviours(options.speed ?? 1);
  const addon: DevClusterAddon = (ctx) =>
    startJobRunner({ ...options, behaviours, kubeConfig: ctx.kubeConfig });
  return Object.assign(addon, { setBehaviour: (c: string, b: JobBehaviour) => behaviours.set(c, b) });
}
