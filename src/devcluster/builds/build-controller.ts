/**
 * The simulated OpenShift build controller: moves `build.openshift.io/v1` Builds through
 * New -> Pending -> Running -> Complete/Failed (or Cancelled), pushing a real image on completion,
 * as openshift-controller-manager's `pkg/build/controller/build/build_controller.go` does with a
 * build pod:
 *
 * - New -> Pending only once the output and the ImageStreamTag inputs resolve: an output
 *   ImageStream(Tag) needs its stream to exist with `status.dockerImageRepository`, else the Build
 *   stays New with reason `InvalidOutputReference` ("Output image could not be resolved."); an
 *   input tag without an image keeps it New with `InvalidImageReference`. Going Pending records
 *   `outputDockerImageReference` (`<dockerImageRepository>:<tag>`, or the DockerImage name) and
 *   clears reason and message.
 * - A completed Build prunes its BuildConfig's history (`build-pruning.ts`): failed and successful
 *   Builds beyond the BuildConfig's history limits (5 each by default) are deleted.
 * - Running sets `startTimestamp`; a terminal phase sets `completionTimestamp` and `duration`
 *   (nanoseconds, Go's `time.Duration`); Complete adds `output.to.imageDigest`, Failed the builder's
 *   reason, message and `logSnippet`; `status.cancelled` gives Cancelled / `CancelledBuild`.
 *
 * Level-triggered: every reconcile reads the Build afresh and decides from its status and the clock
 * (the skeleton is {@link simulatedBuildReconciler}; this file says how a Build's status reads and is
 * written).
 */
import type { ObjectKey } from "../../kube/resource.js";
import type { Outcome } from "../../runtime/outcome.js";
import { pruneBuildHistory } from "./build-pruning.js";
import { buildRequestOfBuild, outputImageStreamOf, type BuildTarget } from "./build-request.js";
import { timeMs, type SimulatedPhase } from "./build-step.js";
import { rfc3339 } from "./image-stream-writer.js";
import type { BuildSystemContext } from "./run-build.js";
import {
  simulatedBuildReconciler,
  type Admission,
  type SimulatedBuildKind,
  type StatusFields,
} from "./simulated-build-reconciler.js";
import { BUILD_PHASES, BUILDS, type BuildObject } from "./upstream-objects.js";

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

const waiting = (reason: string, message: string): Admission => ({
  admitted: false,
  fields: { phase: "New", reason, message },
});

/**
 * The ImageStreamTag inputs of `target` that do not resolve to an image yet (an ImageStreamTag
 * reference is resolved through the stream's status, as the build controller's
 * `resolveImageStreamTag` does).
 */
async function unresolvedInputs(ctx: BuildSystemContext, target: BuildTarget): Promise<string[]> {
  if (!target.ok) return [];
  const refs = [target.request.from, ...target.request.inputs];
  const missing: string[] = [];
  for (const ref of refs) {
    if (ref?.kind !== "ImageStreamTag") continue;
    if ((await ctx.streams.tagPullspec(ref.namespace, ref.stream, ref.tag)) === undefined)
      missing.push(`${ref.namespace}/${ref.stream}:${ref.tag}`);
  }
  return missing;
}

/** New -> Pending: resolve the output (and check the inputs), as `createBuildPod` does. */
async function admitBuild(
  build: BuildObject,
  target: BuildTarget,
  ctx: BuildSystemContext,
): Promise<Admission> {
  const to = build.spec?.output?.to;
  let outputReference: string | undefined;
  const stream = outputImageStreamOf(build);
  if (stream !== undefined) {
    const found = await ctx.streams.findUsable(
      stream.namespace,
      stream.name,
      (s) => (s.status?.dockerImageRepository ?? "") !== "",
    );
    const repository = found?.status?.dockerImageRepository ?? "";
    if (repository === "") return waiting("InvalidOutputReference", "Output image could not be resolved.");
    outputReference = `${repository}:${stream.tag}`;
  } else if (to?.kind === "DockerImage" && (to.name ?? "") !== "") {
    outputReference = to.name ?? undefined;
  }
  const missing = await unresolvedInputs(ctx, target);
  if (missing.length > 0)
    return waiting(
      "InvalidImageReference",
      `Referenced image could not be resolved. (no image yet in ImageStreamTag ${missing.join(", ")})`,
    );
  return {
    admitted: true,
    fields: {
      phase: "Pending",
      reason: undefined,
      message: undefined,
      outputDockerImageReference: outputReference,
    },
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
  admit: (build, target, ctx) => admitBuild(build, target, ctx),
  started: (_build, _key, now) => ({ phase: "Running", startTimestamp: rfc3339(now) }),
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
  completed: async (build, ctx) => {
    const pruned = await pruneBuildHistory(ctx.client, build);
    if (pruned.length > 0) ctx.logger.info({ build: build.metadata.name, pruned }, "pruned build history");
  },
};

/** True when a Build still waits in New (its output or inputs may resolve once an ImageStream changes). */
export function isWaitingBuild(build: BuildObject): boolean {
  const phase = build.status?.phase ?? "New";
  return phase === "New" && build.metadata.deletionTimestamp === undefined;
}

/** Builds the reconciler of Builds over `ctx`. */
export function buildReconciler(
  ctx: BuildSystemContext,
  registryHost: string,
): (key: ObjectKey) => Promise<Outcome> {
  return simulatedBuildReconciler(ctx, registryHost, BUILD_KIND);
}
