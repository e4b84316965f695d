/**
 * How the demo shows a PayloadBuild's progress: a one-line bar rewritten in place on a terminal,
 * plain lines (one per change) otherwise. Pure: status in, text out.
 */
import type { ComponentCounts, PayloadBuildStatus } from "../api/index.js";

/** What one progress line is made from. */
export interface ProgressSnapshot {
  readonly phase: string;
  readonly counts: ComponentCounts | undefined;
  /** Components that landed since the previous snapshot (plain output lists them). */
  readonly newlyLanded: readonly string[];
  readonly elapsedMs: number;
}

/** `m:ss` of a duration. */
export function formatElapsed(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}

/** Names of the components whose image has landed (state Landed, or Reused from an earlier build). */
export function landedComponents(status: PayloadBuildStatus | undefined): Set<string> {
  return new Set(
    (status?.components ?? []).filter((c) => c.state === "Landed" || c.state === "Reused").map((c) => c.name),
  );
}

function countsText(counts: ComponentCounts | undefined): string {
  if (counts === undefined) return "waiting for the operator";
  const parts = [
    `${counts.landed}/${counts.total} landed`,
    `${counts.building} building`,
    `${counts.waiting} waiting`,
  ];
  if (counts.failed > 0) parts.push(`${counts.failed} failed`);
  if (counts.blocked > 0) parts.push(`${counts.blocked} blocked`);
  return parts.join(", ");
}

/** A bar of `width` cells, filled in proportion to landed / total. */
export function progressBar(counts: ComponentCounts | undefined, width: number): string {
  const total = counts?.total ?? 0;
  const filled = total === 0 ? 0 : Math.round(((counts?.landed ?? 0) / total) * width);
  return `[${"#".repeat(filled)}${"-".repeat(Math.max(0, width - filled))}]`;
}

/** The line written in place on a terminal (no newline), cut to `columns`. */
export function renderProgressLine(snapshot: ProgressSnapshot, columns: number): string {
  const text = `${progressBar(snapshot.counts, 24)} ${countsText(snapshot.counts)} · ${snapshot.phase} · ${formatElapsed(snapshot.elapsedMs)}`;
  return text.length > columns - 1 ? text.slice(0, Math.max(0, columns - 1)) : text;
}

/** The line printed for a change when not on a terminal (with a newline). */
export function renderProgressPlain(snapshot: ProgressSnapshot): string {
  const landed = snapshot.newlyLanded.length === 0 ? "" : ` (landed: ${snapshot.newlyLanded.join(", ")})`;
  return `[${formatElapsed(snapshot.elapsedMs)}] ${snapshot.phase}: ${countsText(snapshot.counts)}${landed}\n`;
}

/** The part of a snapshot whose change is worth a new plain line. */
export function progressKey(snapshot: ProgressSnapshot): string {
  return `${snapshot.phase}|${countsText(snapshot.counts)}`;
}
