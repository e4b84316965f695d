/**
 * The builds to create for the components the scheduler chose: the backend's objects for the
 * next attempt of each, the Event to record once created, and how the component reads in the
 * status from now on. Pure.
 */
import { formatTimestamp, type PayloadBuild } from "../api/index.js";
import { BuildBackendError, type BuildBackend } from "../builds/build-backend.js";
import type { ImageStream } from "../builds/image-stream-schema.js";
import type { KubeObject } from "../kube/kube-object.js";
import type { EventInput } from "../runtime/event-recorder.js";
import { attemptName } from "./component-status-entry.js";
import type { ComponentEvaluation } from "./evaluate-components.js";
import type { ResolvedComponent } from "./resolve-component.js";

/** The build of one attempt of one component, to create. */
export interface AttemptToStart {
  readonly component: string;
  readonly attempt: number;
  readonly objects: readonly KubeObject[];
  /** Recorded when the attempt's object is really created (not when it already existed). */
  readonly event: EventInput;
}

/** What {@link startAttempts} needs besides the chosen components. */
export interface StartContext {
  readonly payloadBuild: PayloadBuild;
  readonly backendFor: (component: ResolvedComponent) => BuildBackend;
  readonly imageStream: ImageStream | undefined;
  readonly now: Date;
}

/**
 * The attempts to start for `chosen` (evaluations with a known input identity), and each
 * component's evaluation once started: `building`, or `waiting` with the backend's message when it
 * cannot build yet (`BuildBackendError`, e.g. Shipwright without the ImageStream's repository).
 */
export function startAttempts(
  chosen: readonly ComponentEvaluation[],
  ctx: StartContext,
): { start: AttemptToStart[]; startedNow: Map<string, ComponentEvaluation> } {
  const start: AttemptToStart[] = [];
  const startedNow = new Map<string, ComponentEvaluation>();
  for (const e of chosen) {
    const name = e.component.name;
    if (e.inputHash === undefined) continue;
    try {
      const objects = ctx.backendFor(e.component).desiredObjects({
        payloadBuild: ctx.payloadBuild,
        component: e.component,
        attempt: e.nextAttempt,
        inputHash: e.inputHash,
        dependencyImages: e.dependencyImages,
        imageStreamRepository: ctx.imageStream?.status?.dockerImageRepository,
      });
      const build = attemptName(ctx.payloadBuild, name, e.nextAttempt);
      const retry = e.attempts > 0;
      start.push({
        component: name,
        attempt: e.nextAttempt,
        objects,
        event: {
          type: retry ? "Warning" : "Normal",
          reason: retry ? "BuildRetried" : "BuildStarted",
          action: "Build",
          note: retry
            ? `component ${name}: started ${build} after ${e.message ?? "a failure"}`
            : `component ${name}: started ${build}`,
        },
      });
      startedNow.set(name, {
        ...e,
        verdict: "building",
        build,
        attempts: e.attempts + 1,
        startedAt: formatTimestamp(ctx.now),
        message: `attempt ${e.nextAttempt} started`,
      });
    } catch (err: unknown) {
      if (!(err instanceof BuildBackendError)) throw err;
      startedNow.set(name, { ...e, verdict: "waiting", message: err.message.slice(0, 1000) });
    }
  }
  return { start, startedNow };
}
