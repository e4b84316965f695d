/** `metav1.Condition`: the schema and the helpers controllers use to set conditions. */
import { z } from "zod";
import { timestamp } from "./common.js";

/** Condition status values. */
export const CONDITION_STATUSES = ["True", "False", "Unknown"] as const;
/** A condition's status. */
export type ConditionStatus = (typeof CONDITION_STATUSES)[number];

/** `metav1.Condition`, with the same constraints as the upstream type. */
export const ConditionSchema = z
  .object({
    type: z
      .string()
      .min(1)
      .max(316)
      .regex(
        /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$/,
      )
      .describe("Type of condition in CamelCase: Ready, Progressing or Degraded."),
    status: z.enum(CONDITION_STATUSES).describe("Status of the condition: True, False or Unknown."),
    observedGeneration: z
      .int()
      .min(0)
      .optional()
      .describe("The .metadata.generation the condition was set from."),
    lastTransitionTime: timestamp("Last time the condition changed from one status to another."),
    reason: z
      .string()
      .min(1)
      .max(1024)
      .regex(/^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$/)
      .describe("Programmatic identifier of the reason for the last transition, in CamelCase."),
    message: z.string().max(32768).describe("Human-readable message with details about the transition."),
  })
  .describe("A metav1.Condition: one aspect of the object's current state.");
/** A `metav1.Condition`. */
export type Condition = z.output<typeof ConditionSchema>;

/** The condition list of a status: a list-map keyed by `type`. */
export const conditionList = () =>
  z
    .array(ConditionSchema)
    .meta({ "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["type"] })
    .describe("Current state as metav1.Conditions: Ready, Progressing and Degraded.");

/** The condition types both kinds report. */
export const ConditionType = { Ready: "Ready", Progressing: "Progressing", Degraded: "Degraded" } as const;

/** A condition to set: everything except `lastTransitionTime`, which {@link setCondition} manages. */
export type ConditionUpdate = Omit<Condition, "lastTransitionTime">;

/** Returns the condition of `type`, or undefined. */
export function findCondition(
  conditions: readonly Condition[] | undefined,
  type: string,
): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

/** True when the condition of `type` exists and has status `True`. */
export function isConditionTrue(conditions: readonly Condition[] | undefined, type: string): boolean {
  return findCondition(conditions, type)?.status === "True";
}

/**
 * Returns a new condition list with `update` set. `lastTransitionTime` is `now` when the status
 * changes (or the condition is new) and kept otherwise, as `meta.SetStatusCondition` does. The
 * order of existing conditions is kept; a new one is appended. The input is not modified.
 */
export function setCondition(
  conditions: readonly Condition[] | undefined,
  update: ConditionUpdate,
  now: Date,
): Condition[] {
  const list = [...(conditions ?? [])];
  const index = list.findIndex((c) => c.type === update.type);
  const existing = index >= 0 ? list[index] : undefined;
  const lastTransitionTime =
    existing !== undefined && existing.status === update.status
      ? existing.lastTransitionTime
      : formatTimestamp(now);
  const next: Condition = { ...update, lastTransitionTime };
  if (index >= 0) list[index] = next;
  else list.push(next);
  return list;
}

/** Removes the condition of `type`, returning a new list. */
export function removeCondition(conditions: readonly Condition[] | undefined, type: string): Condition[] {
  return (conditions ?? []).filter((c) => c.type !== type);
}

/** Formats a date as the API server does: RFC 3339, UTC, whole seconds (`2026-11-21T12:00:00Z`). */
export function formatTimestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}
