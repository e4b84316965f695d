/**
 * The simulated OpenShift build controller: moves `build.openshift.io/v1` Builds through
 * New -> Pending -> Running -> Complete/Failed (or Cancelled), pushing a real image on completion.
 * Level-triggered: every reconcile reads the Build afresh and decides from its status and the clock.
 */
import { BUILD_PHASES } from "../../builds/build-schemas.js";
import type { KubeClient } from "../../kube/kube-client.js";
import { isNotFound } from "../../kube/kube-errors.js";
import type { ObjectKey } from "../../kube/resource.js";
import { awaitChange, requeueAfter, type Outcome } from "../../runtime/outcome.js";
import { BUILDS, type BuildObject } from "./build-objects.js";
import { buildRequestOfBuild } from "./build-request.js";
import { decideBuildStep, timeMs, type SimulatedPhase } from "./build-step.js";
import { rfc3339 } from "./image-stream-writer.js";
import { durationOf, runBuild, type BuildSystemContext } from "./run-build.js";

type BuildStatus = NonNullable<BuildObject["status"]> & Record<string, unknown>;

async function findBuild(client: KubeClient, key: ObjectKey): Promise<BuildObject | undefined> {
  try {
    return await client.get(BUILDS, key);
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

function phaseOf(build: BuildObject): SimulatedPhase | undefined {
  return BUILD_PHASES.find((p) => p === build.status?.phase);
}

/** Terminal status fields: completion time and duration (nanoseconds, as OpenShift's `time.Duration`). */
function finished(build: BuildObject, nowMs: number): Record<string, unknown> {
  const started = timeMs(build.status?.startTimestamp);
  return {
    completionTimestamp: rfc3339(nowMs),
    ...(started === undefined ? {} : { duration: Math.max(0, nowMs - started) * 1_000_000 }),
  };
}

/** Builds the reconciler of Builds over `ctx`. */
export function buildReconciler(ctx: BuildSystemContext, registryHost: string) {
  const writeStatus = async (build: BuildObject, fields: Record<string, unknown>): Promise<void> => {
    const status: BuildStatus = { ...build.status, ...fields };
    await ctx.client.replaceStatus(BUILDS, { ...build, status });
  };

  return async (key: ObjectKey): Promise<Outcome> => {
    const build = await findBuild(ctx.client, key);
    if (build === undefined) return awaitChange();
    const target = buildRequestOfBuild(build, registryHost);
    const now = ctx.clock.now();
    const step = decideBuildStep(
      {
        phase: phaseOf(build),
        cancelRequested: build.status?.cancelled === true,
        deleting: build.metadata.deletionTimestamp !== undefined,
        startedMs: timeMs(build.status?.startTimestamp),
      },
      now,
      durationOf(ctx, target),
    );
    switch (step.kind) {
      case "none":
        return awaitChange();
      case "wait":
        return requeueAfter(step.ms);
      case "cancel":
        await writeStatus(build, {
          phase: "Cancelled",
          reason: "CancelledBuild",
          message: "The build was cancelled by the user.",
          ...finished(build, now),
        });
        return awaitChange();
      case "pending":
        await writeStatus(build, { phase: "Pending" });
        return awaitChange();
      case "start":
        await writeStatus(build, { phase: "Running", startTimestamp: rfc3339(now) });
        return requeueAfter(durationOf(ctx, target));
      case "finish":
        break;
    }
    const uid = build.metadata.uid ?? `${key.namespace ?? ""}/${key.name}`;
    const result = await runBuild(ctx, target, uid, async () => {
      const current = await findBuild(ctx.client, key);
      return (
        current !== undefined &&
        current.metadata.uid === build.metadata.uid &&
        current.status?.cancelled !== true &&
        current.metadata.deletionTimestamp === undefined
      );
    });
    if (result === undefined) return requeueAfter(0);
    const fresh = await findBuild(ctx.client, key);
    if (fresh === undefined) return awaitChange();
    const done = ctx.clock.now();
    if (result.ok)
      await writeStatus(fresh, {
        phase: "Complete",
        ...finished(fresh, done),
        outputDockerImageReference: `${result.repository}:${result.tag}`,
        output: { to: { imageDigest: result.image.digest } },
      });
    else
      await writeStatus(fresh, {
        phase: "Failed",
        reason: result.reason,
        message: result.message,
        logSnippet: result.logSnippet,
        ...finished(fresh, done),
      });
    return awaitChange();
  };
}
