/**
 * Pure: what the simulated build controller does next with one build, from its observed phase.
 * New -> Pending -> Running (startTimestamp) -> wait out the duration -> finish (Complete/Failed);
 * unfinished builds whose cancellation was asked for become Cancelled. Builds being deleted are left
 * alone, as openshift-controller-manager's build controller ignores them (`shouldIgnore`).
 */
import type { BuildPhase } from "./upstream-objects.js";

/** The phases the simulation moves a build through (Shipwright conditions are mapped onto them). */
export type SimulatedPhase = BuildPhase;

/** What was observed of one build. */
export interface ObservedBuild {
  readonly phase: SimulatedPhase | undefined;
  /** `status.cancelled` (Build) or `spec.state: BuildRunCanceled` (BuildRun). */
  readonly cancelRequested: boolean;
  /** `metadata.deletionTimestamp` is set (finalizers hold it). */
  readonly deleting: boolean;
  /** Start time in epoch ms, when Running. */
  readonly startedMs: number | undefined;
}

/** The next step. */
export type BuildStep =
  | { readonly kind: "none" }
  | { readonly kind: "cancel" }
  | { readonly kind: "pending" }
  | { readonly kind: "start" }
  | { readonly kind: "wait"; readonly ms: number }
  | { readonly kind: "finish" };

const TERMINAL: ReadonlySet<SimulatedPhase> = new Set(["Complete", "Failed", "Error", "Cancelled"]);

/** True for Complete, Failed, Error and Cancelled. */
export function isTerminalPhase(phase: SimulatedPhase | undefined): boolean {
  return phase !== undefined && TERMINAL.has(phase);
}

/** Decides the next step at `nowMs` for a build that runs `durationMs` once started. */
export function decideBuildStep(observed: ObservedBuild, nowMs: number, durationMs: number): BuildStep {
  if (isTerminalPhase(observed.phase) || observed.deleting) return { kind: "none" };
  if (observed.cancelRequested) return { kind: "cancel" };
  switch (observed.phase) {
    case undefined:
    case "New":
      return { kind: "pending" };
    case "Pending":
      return { kind: "start" };
    default: {
      const started = observed.startedMs ?? nowMs;
      const remaining = started + durationMs - nowMs;
      return remaining > 0 ? { kind: "wait", ms: remaining } : { kind: "finish" };
    }
  }
}

/** Parses an RFC 3339 time to epoch ms (undefined when absent or invalid). */
export function timeMs(value: string | null | undefined): number | undefined {
  if (value === undefined || value === null) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}
