/**
 * The simulated Shipwright controller: runs `shipwright.io/v1beta1` BuildRuns with an embedded
 * build spec. `status.conditions[type=Succeeded]` goes Unknown (Pending, Running) -> True
 * (Succeeded, with `status.output.digest`) or False (Failed with `failureDetails`, or
 * BuildRunCanceled when `spec.state` is `BuildRunCanceled`).
 */
import type { ObjectKey } from "../../kube/resource.js";
import type { Outcome } from "../../runtime/outcome.js";
import { BUILD_RUNS, type BuildRunObject } from "./build-objects.js";
import { buildRequestOfBuildRun } from "./build-request.js";
import { timeMs, type SimulatedPhase } from "./build-step.js";
import { rfc3339 } from "./image-stream-writer.js";
import type { BuildSystemContext } from "./run-build.js";
import {
  simulatedBuildReconciler,
  type SimulatedBuildKind,
  type StatusFields,
} from "./simulated-build-reconciler.js";

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
  pending: (now) => ({ conditions: [succeededCondition("Unknown", "Pending", "Pending", now)] }),
  started: (key, now) => ({
    conditions: [
      succeededCondition("Unknown", "Running", "Not all Steps in the Task have finished executing", now),
    ],
    startTime: rfc3339(now),
    taskRunName: `${key.name}-simulated`,
  }),
  finished: (_run, key, result, now) =>
    result.ok
      ? {
          conditions: [succeededCondition("True", "Succeeded", "All Steps have completed executing", now)],
          completionTime: rfc3339(now),
          output: { digest: result.image.digest, size: result.image.size },
        }
      : {
          conditions: [succeededCondition("False", "Failed", `${result.reason}: ${result.message}`, now)],
          completionTime: rfc3339(now),
          failureDetails: {
            reason: result.reason,
            message: `${result.message}\n${result.logSnippet}`,
            location: { pod: `${key.name}-simulated-pod`, container: "step-build-and-push" },
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
