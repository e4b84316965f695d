/**
 * The simulated Shipwright controller: runs `shipwright.io/v1beta1` BuildRuns with an embedded
 * build spec. `status.conditions[type=Succeeded]` goes Unknown (Pending, Running) -> True
 * (Succeeded, with `status.output.digest`) or False (Failed with `failureDetails`, or
 * BuildRunCanceled when `spec.state` is `BuildRunCanceled`).
 */
import type { KubeClient } from "../../kube/kube-client.js";
import { isNotFound } from "../../kube/kube-errors.js";
import type { ObjectKey } from "../../kube/resource.js";
import { awaitChange, requeueAfter, type Outcome } from "../../runtime/outcome.js";
import { BUILD_RUNS, type BuildRunObject } from "./build-objects.js";
import { buildRequestOfBuildRun } from "./build-request.js";
import { decideBuildStep, timeMs, type SimulatedPhase } from "./build-step.js";
import { rfc3339 } from "./image-stream-writer.js";
import { durationOf, runBuild, type BuildSystemContext } from "./run-build.js";

async function findRun(client: KubeClient, key: ObjectKey): Promise<BuildRunObject | undefined> {
  try {
    return await client.get(BUILD_RUNS, key);
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

/** The simulated phase a BuildRun's Succeeded condition stands for. Pure. */
export function phaseOfBuildRun(run: BuildRunObject): SimulatedPhase | undefined {
  const succeeded = run.status?.conditions?.find((c) => c.type === "Succeeded");
  if (succeeded === undefined) return undefined;
  if (succeeded.status === "True") return "Complete";
  if (succeeded.status === "False") return succeeded.reason === "BuildRunCanceled" ? "Cancelled" : "Failed";
  return succeeded.reason === "Running" ? "Running" : "Pending";
}

function succeededCondition(
  status: string,
  reason: string,
  message: string,
  nowMs: number,
): Record<string, unknown> {
  return { type: "Succeeded", status, reason, message, lastTransitionTime: rfc3339(nowMs) };
}

/** Builds the reconciler of BuildRuns over `ctx`. */
export function buildRunReconciler(ctx: BuildSystemContext, registryHost: string) {
  const writeStatus = async (run: BuildRunObject, fields: Record<string, unknown>): Promise<void> => {
    await ctx.client.replaceStatus(BUILD_RUNS, { ...run, status: { ...run.status, ...fields } });
  };

  return async (key: ObjectKey): Promise<Outcome> => {
    const run = await findRun(ctx.client, key);
    if (run === undefined) return awaitChange();
    const target = buildRequestOfBuildRun(run, registryHost);
    const now = ctx.clock.now();
    const step = decideBuildStep(
      {
        phase: phaseOfBuildRun(run),
        cancelRequested: run.spec?.state === "BuildRunCanceled",
        deleting: run.metadata.deletionTimestamp !== undefined,
        startedMs: timeMs(run.status?.startTime),
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
        await writeStatus(run, {
          conditions: [
            succeededCondition(
              "False",
              "BuildRunCanceled",
              "The BuildRun and underlying TaskRun were canceled successfully.",
              now,
            ),
          ],
          completionTime: rfc3339(now),
        });
        return awaitChange();
      case "pending":
        await writeStatus(run, { conditions: [succeededCondition("Unknown", "Pending", "Pending", now)] });
        return awaitChange();
      case "start":
        await writeStatus(run, {
          conditions: [
            succeededCondition(
              "Unknown",
              "Running",
              "Not all Steps in the Task have finished executing",
              now,
            ),
          ],
          startTime: rfc3339(now),
          taskRunName: `${key.name}-simulated`,
        });
        return requeueAfter(durationOf(ctx, target));
      case "finish":
        break;
    }
    const uid = run.metadata.uid ?? `${key.namespace ?? ""}/${key.name}`;
    const result = await runBuild(ctx, target, uid, async () => {
      const current = await findRun(ctx.client, key);
      return (
        current !== undefined &&
        current.metadata.uid === run.metadata.uid &&
        current.spec?.state !== "BuildRunCanceled" &&
        current.metadata.deletionTimestamp === undefined
      );
    });
    if (result === undefined) return requeueAfter(0);
    const fresh = await findRun(ctx.client, key);
    if (fresh === undefined) return awaitChange();
    const done = ctx.clock.now();
    if (result.ok)
      await writeStatus(fresh, {
        conditions: [succeededCondition("True", "Succeeded", "All Steps have completed executing", done)],
        completionTime: rfc3339(done),
        output: { digest: result.image.digest, size: result.image.size },
      });
    else
      await writeStatus(fresh, {
        conditions: [succeededCondition("False", "Failed", `${result.reason}: ${result.message}`, done)],
        completionTime: rfc3339(done),
        failureDetails: {
          reason: result.reason,
          message: `${result.message}\n${result.logSnippet}`,
          location: { pod: `${key.name}-simulated-pod`, container: "step-build-and-push" },
        },
      });
    return awaitChange();
  };
}
