/**
 * Keeps a PayloadBuild under etcd's object size limit (about 1.5 MiB; the API server refuses a
 * larger write) when its status is written: the serialized object is measured before the write,
 * and when it would pass the budget the per-component entries are shortened, then left out
 * (failures and running builds kept first), and a `StatusTruncated` condition says so. The counts
 * always cover every component. Pure.
 */
import {
  removeCondition,
  setCondition,
  type ComponentState,
  type ComponentStatus,
  type PayloadBuildStatus,
} from "../api/index.js";

/**
 * Most bytes of the serialized PayloadBuild (spec, metadata and status) a status write may make:
 * 1 MiB, leaving etcd's 1.5 MiB limit room for the managedFields the server adds for the status.
 */
export const STATUS_OBJECT_BUDGET_BYTES = 1024 * 1024;

/** The condition type that says the status lists only some components. */
export const STATUS_TRUNCATED_CONDITION = "StatusTruncated";

/** Longest component message kept when the status has to shrink. */
const SHORT_MESSAGE = 200;

/** Which entries are kept first when not all fit: what a user looks for first. */
const KEEP_ORDER: readonly ComponentState[] = [
  "Failed",
  "Building",
  "Blocked",
  "Waiting",
  "Landed",
  "Reused",
];

/** Result of {@link fitStatusToObjectLimit}. */
export interface FittedStatus {
  /** The status to write (the given one when it fits). */
  readonly status: PayloadBuildStatus;
  /** Serialized size of the object with `status`, in bytes. */
  readonly bytes: number;
  /** Component entries left out (0 when all are listed). */
  readonly omitted: number;
  /** True when the status had to shrink (it carries the `StatusTruncated` condition). */
  readonly truncated: boolean;
}

const sizeOf = (value: unknown): number => Buffer.byteLength(JSON.stringify(value), "utf8");

/**
 * `status` as it can be written on `object` (the PayloadBuild as read, any status it carries is
 * replaced) within `budget` bytes; see the module documentation.
 */
export function fitStatusToObjectLimit(
  object: object,
  status: PayloadBuildStatus,
  now: Date,
  budget: number = STATUS_OBJECT_BUDGET_BYTES,
): FittedStatus {
  // Measured without a previous StatusTruncated condition, so the result never depends on it.
  const hadCondition = status.conditions?.some((c) => c.type === STATUS_TRUNCATED_CONDITION) === true;
  const base = hadCondition
    ? { ...status, conditions: removeCondition(status.conditions, STATUS_TRUNCATED_CONDITION) }
    : status;
  const bytes = sizeOf({ ...object, status: base });
  if (bytes <= budget) return { status: base, bytes, omitted: 0, truncated: false };
  const all = status.components ?? [];
  const shortened = all.map(shorten);
  // Room for the entries: the budget less everything but them (and a margin for the condition).
  const rest = sizeOf({ ...object, status: { ...base, components: [] } }) + 2048;
  const kept = new Set<ComponentStatus>();
  let room = budget - rest;
  fill: for (const state of KEEP_ORDER) {
    for (const entry of shortened) {
      if (entry.state !== state) continue;
      const size = sizeOf(entry) + 1;
      if (size > room) break fill;
      kept.add(entry);
      room -= size;
    }
  }
  const components = shortened.filter((entry) => kept.has(entry)); // spec order
  const omitted = all.length - components.length;
  const message =
    omitted === 0
      ? `component messages are shortened to ${SHORT_MESSAGE} characters: the full status would make the PayloadBuild ${bytes} bytes, over the ${budget}-byte budget under etcd's object size limit`
      : `status.components lists ${components.length} of ${all.length} components (failed, building and blocked first; status.counts covers all): listing every one would make the PayloadBuild ${bytes} bytes, over the ${budget}-byte budget under etcd's object size limit; split the payload into smaller PayloadBuilds to see each component here`;
  const fitted: PayloadBuildStatus = {
    ...base,
    components,
    conditions: setCondition(
      base.conditions,
      { type: STATUS_TRUNCATED_CONDITION, status: "True", reason: "ObjectSizeLimit", message },
      now,
    ),
  };
  return { status: fitted, bytes: sizeOf({ ...object, status: fitted }), omitted, truncated: true };
}

function shorten(entry: ComponentStatus): ComponentStatus {
  const message = entry.message;
  if (message === undefined || message.length <= SHORT_MESSAGE) return entry;
  return { ...entry, message: `${message.slice(0, SHORT_MESSAGE - 1)}…` };
}
