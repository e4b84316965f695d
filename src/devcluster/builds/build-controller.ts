/**
 * The simulated OpenShift build controller: moves `build.openshift.io/v1` Builds through
 * New -> Pending -> Running -> Complete/Failed (or Cancelled), pushing a real image on completion.
 * Level-triggered: every reconcile reads the Build afresh and decides from its status and the clock
 * (the skeleton is {@link simulatedBuildReconciler}; this file says how a Build's status reads and is written).
 */
import { BUILD_PHASES } from "../../builds/build-schemas.js";
import type { ObjectKey } from "../../kube/resource.js";
import type { Outcome } from "../../runtime/outcome.js";
import { BUILDS, type BuildObject } from "./build-objects.js";
import { buildRequestOfBuild } from "./build-request.js";
import { timeMs, type SimulatedPhase } from "./build-step.js";
import { rfc3339 } from "./image-stream-writer.js";
import type { BuildSystemContext } from "./run-build.js";
import {
  simulatedBuildReconciler,
  type SimulatedBuildKind,
  type StatusFields,
} from "./simulated-build-reconciler.js";

function phaseOf(build: BuildObject): SimulatedPhase | undefined {
  return BUILD_PHASES.find((p) => p === build.status?.phase);
}

/** Terminal status fields: completion time and duration (nanoseconds, as OpenShift's `time.Duration`). */
function finished(build: BuildObject, nowMs: number): StatusFields {
  const started = timeMs(build.status?.startTimestamp);
  return {
    completionTimestamp: rfc3339(nowMs),
    ...(started === undefined ? {} : { duration: Math.max(0, nowMs - started) * 1_000_000 }),
  };
}

const BUILD_KIND: SimulatedBuildKind<BuildObject> = {
  resource: BUILDS,
  requestOf: buildRequestOfBuild,
  phaseOf,
  cancelRequested: (build) => build.status?.cancelled === true,
  startedMs: (build) => timeMs(build.status?.startTimestamp),
  cancelled: (build, now) => ({
    phase: "Cancelled",
    reason: "CancelledBuild",
    message: "The build was cancelled by the user.",
    ...finished(build, now),
  }),
  pending: () => ({ phase: "Pending" }),
  started: (_key, now) => ({ phase: "Running", startTimestamp: rfc3339(now) }),
  finished: (build, _key, result, now) =>
    result.ok
      ? {
          phase: "Complete",
          ...finished(build, now),
          outputDockerImageReference: `${result.repository}:${result.tag}`,
          output: { to: { imageDigest: result.image.digest } },
        }
      : {
          phase: "Failed",
          reason: result.reason,
          message: result.message,
          logSnippet: result.logSnippet,
          ...finished(build, now),
        },
};

/** Builds the reconciler of Builds over `ctx`. */
export function buildReconciler(
  ctx: BuildSystemContext,
  registryHost: string,
): (key: ObjectKey) => Promise<Outcome> {
  return simulatedBuildReconciler(ctx, registryHost, BUILD_KIND);
}
