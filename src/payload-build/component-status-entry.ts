/**
 * How one evaluated component reads in the compact status, and the small naming helpers around
 * it (attempt numbers in build names, failure messages with a bounded log snippet). Pure.
 */
import type { ComponentStatus, PayloadBuild } from "../api/index.js";
import type { AttemptState } from "../builds/build-backend.js";
import { attemptObjectName } from "../builds/child-objects.js";
import type { ComponentEvaluation } from "./evaluate-components.js";

const SNIPPET_LIMIT = 600;

/** `{key: value}` when value is defined, else `{}` (for `exactOptionalPropertyTypes`). */
export function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** The failure message of an attempt, with its log snippet (bounded for the compact status). */
export function failureMessage(state: AttemptState & { phase: "Failed" }, attempt: number): string {
  const snippet = state.logSnippet?.trim() ?? "";
  const tail = snippet.length > SNIPPET_LIMIT ? `...${snippet.slice(-SNIPPET_LIMIT)}` : snippet;
  const text = `attempt ${attempt} (${state.objectName}) failed: ${state.reason}: ${state.message}${tail === "" ? "" : `; log: ${tail}`}`;
  return text.length > 1000 ? `${text.slice(0, 997)}...` : text;
}

/** The compact status entry of an evaluated component. `now` stamps builds started this reconcile. */
export function componentStatusOf(e: ComponentEvaluation): ComponentStatus {
  const state: ComponentStatus["state"] =
    e.verdict === "landed"
      ? "Landed"
      : e.verdict === "building"
        ? "Building"
        : e.verdict === "failed"
          ? "Failed"
          : e.verdict === "blocked"
            ? "Blocked"
            : "Waiting";
  // Plain assignments, not spreads: this runs for every component on every reconcile.
  const entry: { -readonly [K in keyof ComponentStatus]: ComponentStatus[K] } = {
    name: e.component.name,
    state,
  };
  if (e.attempts > 0) entry.attempts = e.attempts;
  if (e.build !== undefined) entry.build = e.build;
  if (e.image !== undefined) entry.image = e.image;
  if (e.inputHash !== undefined) entry.inputHash = e.inputHash;
  if (e.startedAt !== undefined) entry.startedAt = e.startedAt;
  if (e.completedAt !== undefined) entry.completedAt = e.completedAt;
  if (e.message !== undefined) entry.message = e.message;
  return entry;
}

/** The attempt number at the end of a build object name (`okd-cli-3` -> 3), or 0. */
export function attemptOfName(name: string | undefined): number {
  const match = /-(\d+)$/.exec(name ?? "");
  return match === null ? 0 : Number(match[1]);
}

/** Name of the object of attempt `attempt` (what the status shows before the store has it). */
export function attemptName(payloadBuild: PayloadBuild, component: string, attempt: number): string {
  return attemptObjectName(payloadBuild.metadata.name ?? "", component, attempt);
}
