/**
 * The simulated Shipwright controller: runs `shipwright.io/v1beta1` BuildRuns with an embedded
 * build spec, as shipwright-io/build's BuildRun reconciler (`pkg/reconciler/buildrun`) does over a
 * TaskRun. `status.conditions[type=Succeeded]` goes Unknown (Pending, Running) -> True (Succeeded,
 * with `status.output.digest` and `size`) or False (Failed with `failureDetails` and the
 * "buildrun step ... failed in pod ..." message of `resources/conditions.go`, or BuildRunCanceled
 * when `spec.state` is `BuildRunCanceled`). Starting records `startTime`, `taskRunName` and
 * `status.buildSpec` (the embedded spec the run uses); finishing records `completionTime`. Before
 * it starts, the run is checked against its strategy as Shipwright does (`build-strategy-check.ts`):
 * a missing strategy or an undeclared parameter fails it at once.
 */
import type { ObjectKey } from "../../kube/resource.js";
import type { Outcome } from "../../runtime/outcome.js";
import { buildRequestOfBuildRun } from "./build-request.js";
import { checkBuildRunStrategy } from "./build-strategy-check.js";
import { timeMs, type SimulatedPhase } from "./build-step.js";
import { rfc3339 } from "./image-stream-writer.js";
import type { BuildSystemContext } from "./run-build.js";
import {
  simulatedBuildReconciler,
  type SimulatedBuildKind,
  type StatusFields,
} from "./simulated-build-reconciler.js";
import { BUILD_RUNS, type BuildRunObject } from "./upstream-objects.js";

/** The simulated phase a BuildRun's Succeeded condition stands for. Pure. */
export function phaseOfBuildRun(run: BuildRunObject): SimulatedPhase | undefined {
  const succeeded = run.status?.conditions?.find((c) => c.type === "Succeeded");
  if (succeeded === undefined) return undefined;
  if (succeeded.status === "True") return "Complete";
  if (succeeded.status === "False") return succeeded.reason === "BuildRunCanceled" ? "Cancelled" : "Failed";
  return succeeded.reason === "Running" ? "Running" : "Pending";
}

function succeededCondition(status: string, reason: string, message: string, nowMs: number): StatusFields {
  return { type: "Succeeded", status, reason, message, lastTransitionTime: rfc3339(nowMs) };
}

/** The step container of the simulated build strategy, and the pod a run's TaskRun would have. */
const STEP = "step-build-and-push";
const podOf = (key: ObjectKey): string => `${key.name}-simulated-pod`;

const BUILD_RUN_KIND: SimulatedBuildKind<BuildRunObject> = {
  resource: BUILD_RUNS,
  requestOf: buildRequestOfBuildRun,
  phaseOf: phaseOfBuildRun,
  cancelRequested: (run) => run.spec?.state === "BuildRunCanceled",
  startedMs: (run) => timeMs(run.status?.startTime),
  cancelled: (_run, now) => ({
    conditions: [
      succeededCondition(
        "False",
        "BuildRunCanceled",
        "The BuildRun and underlying TaskRun were canceled successfully.",
        now,
      ),
    ],
    completionTime: rfc3339(now),
  }),
  admit: async (run, target, ctx, now) => {
    // A run that cannot start fails at once, as the reconciler's validations do.
    const failed = (reason: string, message: string) => ({
      admitted: true,
      fields: {
        conditions: [succeededCondition("False", reason, message, now)],
        completionTime: rfc3339(now),
      },
    });
    if (!target.ok) return failed(target.reason, target.message);
    const problem = await checkBuildRunStrategy(ctx.client, run);
    if (problem !== undefined) return failed(problem.reason, problem.message);
    return {
      admitted: true,
      fields: { conditions: [succeededCondition("Unknown", "Pending", "Pending", now)] },
    };
  },
  started: (run, key, now) => ({
    conditions: [
      succeededCondition("Unknown", "Running", "Not all Steps in the Task have finished executing", now),
    ],
    startTime: rfc3339(now),
    taskRunName: `${key.name}-simulated`,
    ...(run.spec?.build?.spec === undefined || run.spec.build.spec === null
      ? {}
      : { buildSpec: run.spec.build.spec }),
  }),
  finished: (_run, key, result, now) =>
    result.ok
      ? {
          conditions: [succeededCondition("True", "Succeeded", "All Steps have completed executing", now)],
          completionTime: rfc3339(now),
          output: { digest: result.image.digest, size: result.image.size },
        }
      : {
          conditions: [
            succeededCondition(
              "False",
              "Failed",
              `buildrun step ${STEP} failed in pod ${podOf(key)}, for detailed information: kubectl --namespace ${key.namespace ?? "default"} logs ${podOf(key)} --container=${STEP}`,
              now,
            ),
          ],
          completionTime: rfc3339(now),
          failureDetails: {
            reason: result.reason,
            message: `${result.message}\n${result.logSnippet}`,
            location: { pod: podOf(key), container: STEP },
          },
        },
};

/** Builds the reconciler of BuildRuns over `ctx`. */
export function buildRunReconciler(
  ctx: BuildSystemContext,
  registryHost: string,
): (key: ObjectKey) => Promise<Outcome> {
  return simulatedBuildReconciler(ctx, registryHost, BUILD_RUN_KIND);
}
