/**
 * The PayloadBuild status, computed whole from what one reconcile observed: phase, conditions
 * (`Ready`, `Progressing`, `Degraded`), per-component entries, counts and the plan summary. Pure:
 * the same input always gives the same status, so writing it is skipped when nothing changed.
 */
import { summarizeProblems } from "./problem-summary.js";
import { refusedWritesMessage, type RefusedWrite } from "./refused-writes.js";
import {
  ConditionType,
  formatTimestamp,
  setCondition,
  type ComponentCounts,
  type ComponentStatus,
  type Condition,
  type ConditionStatus,
  type PayloadBuildPhase,
  type PayloadBuildStatus,
  type PlanStatus,
  type Problem,
  type ReleaseStatus,
} from "../api/index.js";

/** Stable condition reasons of a PayloadBuild (CamelCase, for alerts and Argo CD health checks). */
export const PayloadBuildReason = {
  InvalidSpec: "InvalidSpec",
  Pending: "Pending",
  Building: "Building",
  ComponentFailed: "ComponentFailed",
  Assembling: "Assembling",
  ReleaseFailed: "ReleaseFailed",
  ReleasePushed: "ReleasePushed",
  ComponentsLanded: "ComponentsLanded",
  Unchanged: "Unchanged",
  AsExpected: "AsExpected",
  WriteRefused: "WriteRefused",
} as const;

/** Where the release stands, as decided for this reconcile. */
export type ReleaseProgress =
  | { readonly state: "none" }
  | { readonly state: "waiting" }
  | { readonly state: "assembling" }
  | { readonly state: "failed"; readonly message: string }
  | { readonly state: "unchanged"; readonly message: string }
  | { readonly state: "pushed"; readonly release: ReleaseStatus };

/** Everything {@link computePayloadBuildStatus} needs. */
export interface PayloadBuildStatusInput {
  /** `metadata.generation` of the PayloadBuild the status describes. */
  readonly generation: number | undefined;
  /** The status currently stored (conditions keep their transition times). */
  readonly previous: PayloadBuildStatus | undefined;
  /** One entry per component, in spec order. */
  readonly components: readonly ComponentStatus[];
  readonly plan: PlanStatus;
  /** True when, by the failure policy, nothing more can start or finish (a terminal failure). */
  readonly stopped: boolean;
  readonly release: ReleaseProgress;
  /** Name of the release to assemble (`spec.release.name`), if any. */
  readonly releaseName: string | undefined;
  readonly now: Date;
  /** Writes of this reconcile the API server refused (Degraded=True naming each). */
  readonly refusedWrites?: readonly RefusedWrite[];
  /** With `spec.rebuild`: the external images as resolved for the keys, and the payload key. */
  readonly keyed?: Pick<PayloadBuildStatus, "resolvedImages" | "payloadKey">;
}

/** Counts components per state. */
export function countComponents(components: readonly ComponentStatus[]): ComponentCounts {
  const counts = { total: components.length, waiting: 0, building: 0, landed: 0, failed: 0, blocked: 0 };
  for (const c of components) {
    if (c.state === "Waiting") counts.waiting++;
    else if (c.state === "Building") counts.building++;
    else if (c.state === "Landed" || c.state === "Reused") counts.landed++;
    else if (c.state === "Failed") counts.failed++;
    else counts.blocked++;
  }
  return counts;
}

/** At most `limit` items, then "and N more". */
function listSome(items: readonly string[], limit: number): string {
  const shown = items.slice(0, limit).join("; ");
  return items.length > limit ? `${shown}; and ${items.length - limit} more` : shown;
}

/** The Degraded message for failed components: each name with its failure message. */
export function failedComponentsMessage(components: readonly ComponentStatus[]): string {
  const failed = components.filter((c) => c.state === "Failed");
  const lines = failed.map((c) => `component ${c.name} failed: ${c.message ?? "build failed"}`);
  return listSome(lines, 5);
}

function progressSummary(counts: ComponentCounts): string {
  const parts = [`${counts.landed}/${counts.total} components landed`, `${counts.building} building`];
  if (counts.waiting > 0) parts.push(`${counts.waiting} waiting`);
  if (counts.failed > 0) parts.push(`${counts.failed} failed`);
  if (counts.blocked > 0) parts.push(`${counts.blocked} blocked`);
  return parts.join(", ");
}

interface Summary {
  readonly phase: PayloadBuildPhase;
  readonly ready: readonly [ConditionStatus, string, string];
  readonly progressing: readonly [ConditionStatus, string, string];
  readonly degraded: readonly [ConditionStatus, string, string];
}

function summarize(input: PayloadBuildStatusInput, counts: ComponentCounts): Summary {
  const R = PayloadBuildReason;
  const summary = progressSummary(counts);
  const failedMessage = failedComponentsMessage(input.components);
  const refused = input.refusedWrites ?? [];
  const degraded: Summary["degraded"] =
    refused.length > 0
      ? [
          "True",
          R.WriteRefused,
          `${refusedWritesMessage(refused)} (retrying with backoff)${counts.failed > 0 ? `; ${failedMessage}` : ""}`,
        ]
      : counts.failed > 0
        ? ["True", R.ComponentFailed, failedMessage]
        : ["False", R.AsExpected, "no component has failed"];
  if (counts.failed > 0 && input.stopped) {
    const message = `${summary}; no release is assembled: ${failedMessage}`;
    return {
      phase: "Failed",
      ready: ["False", R.ComponentFailed, message],
      progressing: ["False", R.ComponentFailed, message],
      degraded,
    };
  }
  if (counts.landed < counts.total) {
    const started = counts.building > 0 || counts.landed > 0 || counts.failed > 0;
    const reason = started ? R.Building : R.Pending;
    return {
      phase: started ? "Building" : "Pending",
      ready: ["False", reason, summary],
      progressing: ["True", reason, summary],
      degraded,
    };
  }
  const release = input.release;
  const name = input.releaseName ?? "";
  if (release.state === "pushed") {
    const message = `release ${release.release.name} pushed as ${release.release.image ?? release.release.digest ?? ""}`;
    return {
      phase: "Succeeded",
      ready: ["True", R.ReleasePushed, message],
      progressing: ["False", R.ReleasePushed, message],
      degraded,
    };
  }
  if (release.state === "none") {
    const message = `all ${counts.total} components landed; spec.release is not set, so no release is assembled`;
    return {
      phase: "Succeeded",
      ready: ["True", R.ComponentsLanded, message],
      progressing: ["False", R.ComponentsLanded, message],
      degraded,
    };
  }
  if (release.state === "unchanged") {
    return {
      phase: "Succeeded",
      ready: ["True", R.Unchanged, release.message],
      progressing: ["False", R.Unchanged, release.message],
      degraded,
    };
  }
  if (release.state === "failed") {
    const message = `release ${name} could not be assembled and pushed (retrying): ${release.message}`;
    return {
      phase: "Assembling",
      ready: ["False", R.ReleaseFailed, message],
      progressing: ["True", R.ReleaseFailed, message],
      degraded: ["True", R.ReleaseFailed, message],
    };
  }
  const message = `all ${counts.total} components landed; assembling release ${name}`;
  return {
    phase: "Assembling",
    ready: ["False", R.Assembling, message],
    progressing: ["True", R.Assembling, message],
    degraded,
  };
}

function conditionsOf(
  previous: readonly Condition[] | undefined,
  summary: Pick<Summary, "ready" | "progressing" | "degraded">,
  generation: number | undefined,
  now: Date,
): Condition[] {
  let conditions = previous === undefined ? undefined : [...previous];
  const entries = [
    [ConditionType.Ready, summary.ready],
    [ConditionType.Progressing, summary.progressing],
    [ConditionType.Degraded, summary.degraded],
  ] as const;
  for (const [type, [status, reason, message]] of entries) {
    conditions = setCondition(
      conditions,
      {
        type,
        status,
        reason,
        message: message.length > 32_000 ? `${message.slice(0, 31_997)}...` : message,
        ...(generation === undefined ? {} : { observedGeneration: generation }),
      },
      now,
    );
  }
  return conditions ?? [];
}

function earliest(values: readonly (string | undefined)[]): string | undefined {
  let best: string | undefined;
  for (const v of values) if (v !== undefined && (best === undefined || v < best)) best = v;
  return best;
}

/**
 * The complete status of a valid PayloadBuild. `startedAt` is kept once set (else the earliest
 * component start); `completedAt` is set when the build succeeds or fails for good and kept while
 * it stays so. Conditions keep their `lastTransitionTime` unless their status changes.
 */
export function computePayloadBuildStatus(input: PayloadBuildStatusInput): PayloadBuildStatus {
  const counts = countComponents(input.components);
  const summary = summarize(input, counts);
  const previous = input.previous;
  const startedAt = previous?.startedAt ?? earliest(input.components.map((c) => c.startedAt));
  const finished = summary.phase === "Succeeded" || summary.phase === "Failed";
  const completedAt = finished
    ? previous?.phase === summary.phase && previous.completedAt !== undefined
      ? previous.completedAt
      : formatTimestamp(input.now)
    : undefined;
  const release = input.release.state === "pushed" ? input.release.release : undefined;
  return {
    ...(input.generation === undefined ? {} : { observedGeneration: input.generation }),
    conditions: conditionsOf(previous?.conditions, summary, input.generation, input.now),
    phase: summary.phase,
    ...(startedAt === undefined ? {} : { startedAt }),
    ...(completedAt === undefined ? {} : { completedAt }),
    components: [...input.components],
    counts,
    plan: input.plan,
    ...(release === undefined ? {} : { release }),
    ...input.keyed,
  };
}

/**
 * The status of a PayloadBuild whose spec is invalid: `Ready=False`, reason `InvalidSpec`, every
 * problem in the message (one per line, with its field path; past 12 KiB the rest is counted, see
 * `summarizeProblems`); no components, counts or plan.
 */
export function invalidSpecStatus(
  previous: PayloadBuildStatus | undefined,
  generation: number | undefined,
  problems: readonly Problem[],
  now: Date,
): PayloadBuildStatus {
  const message = `the spec is invalid; fix these fields and apply again:\n${summarizeProblems(problems)}`;
  const R = PayloadBuildReason;
  return {
    ...(generation === undefined ? {} : { observedGeneration: generation }),
    conditions: conditionsOf(
      previous?.conditions,
      {
        ready: ["False", R.InvalidSpec, message],
        progressing: ["False", R.InvalidSpec, "nothing is built while the spec is invalid"],
        degraded: ["True", R.InvalidSpec, message],
      },
      generation,
      now,
    ),
    phase: "Invalid",
  };
}
