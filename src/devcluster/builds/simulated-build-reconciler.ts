/**
 * The controller skeleton the simulated Build and BuildRun controllers share. Level-triggered: every
 * reconcile reads the object afresh, decides the next step from its observed phase and the clock
 * ({@link decideBuildStep}), writes the status that step means and, on "finish", runs the build and
 * records how it ended. What differs per kind (how the phase is observed, how each step is written
 * into the status) comes in a {@link SimulatedBuildKind}.
 */
import type { KubeClient } from "../../kube/kube-client.js";
import { isNotFound } from "../../kube/kube-errors.js";
import type { KubeObject } from "../../kube/kube-object.js";
import type { KubeResource, ObjectKey } from "../../kube/resource.js";
import { awaitChange, requeueAfter, type Outcome } from "../../runtime/outcome.js";
import type { BuildTarget } from "./build-request.js";
import { decideBuildStep, type SimulatedPhase } from "./build-step.js";
import { durationOf, runBuild, type BuildResult, type BuildSystemContext } from "./run-build.js";

/** A build object whose status is an object the controller adds fields to. */
export type SimulatedBuildObject = KubeObject & {
  readonly status?: Record<string, unknown> | null | undefined;
};

/** Status fields to merge into an object's status (an `undefined` value removes the field). */
export type StatusFields = Record<string, unknown>;

/**
 * What the step out of New found. `admitted`: the build moves on (to Pending, or straight to a
 * terminal failure when it can never run); otherwise it waits where it is (OpenShift's build
 * controller keeps a Build in New while its output or input images cannot be resolved) and `fields`,
 * saying why, are written only when they differ from the recorded status.
 */
export interface Admission {
  readonly admitted: boolean;
  readonly fields: StatusFields;
}

/** What the shared controller needs to know of one kind of build object. */
export interface SimulatedBuildKind<T extends SimulatedBuildObject> {
  /** The kind's REST descriptor and schema. */
  readonly resource: KubeResource<T>;
  /** The build `obj` asks for, pushing to `registryHost`. */
  requestOf(obj: T, registryHost: string): BuildTarget;
  /** The simulated phase `obj`'s status stands for (undefined: not started). */
  phaseOf(obj: T): SimulatedPhase | undefined;
  /** Whether the user asked to cancel `obj`. */
  cancelRequested(obj: T): boolean;
  /** When `obj` started running (epoch ms), if it did. */
  startedMs(obj: T): number | undefined;
  /** Status fields of a build cancelled at `nowMs`. */
  cancelled(obj: T, nowMs: number): StatusFields;
  /** Whether `obj` (asking for `target`) may go Pending at `nowMs`, and the status that says so. */
  admit(obj: T, target: BuildTarget, ctx: BuildSystemContext, nowMs: number): Promise<Admission>;
  /** Status fields of the build `obj` (named `key`) that started running at `nowMs`. */
  started(obj: T, key: ObjectKey, nowMs: number): StatusFields;
  /** Status fields of the build `key` names (read afresh as `obj`) that ended with `result` at `nowMs`. */
  finished(obj: T, key: ObjectKey, result: BuildResult, nowMs: number): StatusFields;
  /** What the controller does once `obj` reached a terminal phase (e.g. history pruning). */
  completed?(obj: T, ctx: BuildSystemContext): Promise<void>;
}

async function find<T extends SimulatedBuildObject>(
  client: KubeClient,
  resource: KubeResource<T>,
  key: ObjectKey,
): Promise<T | undefined> {
  try {
    return await client.get(resource, key);
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

/** True when writing `fields` over `status` would change nothing. */
function alreadyRecorded(status: Record<string, unknown> | null | undefined, fields: StatusFields): boolean {
  return Object.entries(fields).every(
    ([field, value]) => JSON.stringify(status?.[field]) === JSON.stringify(value),
  );
}

/** Builds the reconciler of objects of `kind` over `ctx`. */
export function simulatedBuildReconciler<T extends SimulatedBuildObject>(
  ctx: BuildSystemContext,
  registryHost: string,
  kind: SimulatedBuildKind<T>,
): (key: ObjectKey) => Promise<Outcome> {
  const writeStatus = async (obj: T, fields: StatusFields): Promise<void> => {
    await ctx.client.replaceStatus(kind.resource, { ...obj, status: { ...obj.status, ...fields } });
  };

  return async (key: ObjectKey): Promise<Outcome> => {
    const obj = await find(ctx.client, kind.resource, key);
    if (obj === undefined) return awaitChange();
    const target = kind.requestOf(obj, registryHost);
    const now = ctx.clock.now();
    const step = decideBuildStep(
      {
        phase: kind.phaseOf(obj),
        cancelRequested: kind.cancelRequested(obj),
        deleting: obj.metadata.deletionTimestamp !== undefined,
        startedMs: kind.startedMs(obj),
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
        await writeStatus(obj, kind.cancelled(obj, now));
        await kind.completed?.(obj, ctx);
        return awaitChange();
      case "pending": {
        // Not admitted: the status says why, once; a change of what it waits for wakes it.
        const admission = await kind.admit(obj, target, ctx, now);
        if (admission.admitted || !alreadyRecorded(obj.status, admission.fields))
          await writeStatus(obj, admission.fields);
        return awaitChange();
      }
      case "start":
        await writeStatus(obj, kind.started(obj, key, now));
        return requeueAfter(durationOf(ctx, target));
      case "finish":
        break;
    }
    const uid = obj.metadata.uid ?? `${key.namespace ?? ""}/${key.name}`;
    const result = await runBuild(ctx, target, uid, async () => {
      const current = await find(ctx.client, kind.resource, key);
      return (
        current !== undefined &&
        current.metadata.uid === obj.metadata.uid &&
        !kind.cancelRequested(current) &&
        current.metadata.deletionTimestamp === undefined
      );
    });
    if (result === undefined) return requeueAfter(0);
    const fresh = await find(ctx.client, kind.resource, key);
    if (fresh === undefined) return awaitChange();
    await writeStatus(fresh, kind.finished(fresh, key, result, ctx.clock.now()));
    await kind.completed?.(fresh, ctx);
    return awaitChange();
  };
}
