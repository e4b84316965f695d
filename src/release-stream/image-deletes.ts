/**
 * Deleting removed releases' images from their registry (`spec.retention.deleteImages`), kept until
 * done: a delete the registry refuses is recorded in `status.imageDeletes` with its answer and retried
 * with backoff (30 s doubling to one hour), so the refusal is visible in status (and Degraded) rather
 * than only in an Event, and an image is not left behind because one attempt failed. Turning
 * `deleteImages` off drops the pending deletes. Pure.
 */
import type { ImageDeleteStatus } from "../api/index.js";

/** A removed release's image to delete from its registry. */
export interface ReleaseImageToDelete {
  readonly release: string;
  /** `registry/repository@sha256:...` as pushed. */
  readonly image: string;
  /** Refused attempts so far (0 for a release removed in this reconcile). */
  readonly attempts: number;
}

/** First retry delay; doubles per refused attempt. */
export const IMAGE_DELETE_FIRST_RETRY_MS = 30_000;
/** Longest retry delay. */
export const IMAGE_DELETE_MAX_RETRY_MS = 3_600_000;
/** Pending deletes kept in status; older entries beyond it are dropped (and said so in an Event). */
export const MAX_PENDING_IMAGE_DELETES = 50;

/** Delay before the next attempt after `attempts` refused ones (attempts >= 1). */
export function imageDeleteRetryDelayMs(attempts: number): number {
  const exponent = Math.min(Math.max(attempts - 1, 0), 20);
  return Math.min(IMAGE_DELETE_FIRST_RETRY_MS * 2 ** exponent, IMAGE_DELETE_MAX_RETRY_MS);
}

/** Which deletes to attempt now, which keep waiting, and when the next one is due. */
export interface ImageDeletePlan {
  readonly due: readonly ReleaseImageToDelete[];
  readonly waiting: readonly ImageDeleteStatus[];
  /** Milliseconds until the earliest waiting delete is due; undefined when none waits. */
  readonly nextDueInMs?: number;
}

/**
 * Plans this reconcile's image deletes: the images of releases removed now, plus the recorded ones
 * whose `retryAt` has passed. With `enabled` false nothing is deleted and nothing stays pending.
 */
export function planImageDeletes(
  recorded: readonly ImageDeleteStatus[] | undefined,
  removedNow: readonly { readonly release: string; readonly image: string }[],
  enabled: boolean,
  nowMs: number,
): ImageDeletePlan {
  if (!enabled) return { due: [], waiting: [] };
  const due: ReleaseImageToDelete[] = removedNow.map((r) => ({ ...r, attempts: 0 }));
  const waiting: ImageDeleteStatus[] = [];
  let nextDueInMs: number | undefined;
  for (const entry of recorded ?? []) {
    if (due.some((d) => d.image === entry.image)) continue;
    const retryAtMs = Date.parse(entry.retryAt ?? "");
    if (Number.isNaN(retryAtMs) || retryAtMs <= nowMs)
      due.push({ release: entry.release, image: entry.image, attempts: entry.attempts });
    else {
      waiting.push(entry);
      nextDueInMs = Math.min(nextDueInMs ?? Infinity, retryAtMs - nowMs);
    }
  }
  return { due, waiting, ...(nextDueInMs === undefined ? {} : { nextDueInMs }) };
}

/** The answer to one attempted delete: undefined when done, else the registry's message. */
export type ImageDeleteOutcome = { readonly refused?: string };

/**
 * The `status.imageDeletes` after this reconcile: the waiting entries and every refused attempt (with
 * its message and next retry time), oldest release first, at most {@link MAX_PENDING_IMAGE_DELETES}.
 */
export function pendingImageDeletes(
  waiting: readonly ImageDeleteStatus[],
  attempted: readonly { readonly item: ReleaseImageToDelete; readonly outcome: ImageDeleteOutcome }[],
  now: Date,
): ImageDeleteStatus[] {
  const refused: ImageDeleteStatus[] = attempted.flatMap(({ item, outcome }) => {
    if (outcome.refused === undefined) return [];
    const attempts = item.attempts + 1;
    return [
      {
        release: item.release,
        image: item.image,
        attempts,
        lastAttemptAt: now.toISOString().replace(/\.\d{3}Z$/, "Z"),
        retryAt: new Date(now.getTime() + imageDeleteRetryDelayMs(attempts))
          .toISOString()
          .replace(/\.\d{3}Z$/, "Z"),
        message: outcome.refused.slice(0, 1024),
      },
    ];
  });
  const all = [...waiting, ...refused].sort((a, b) =>
    a.release < b.release ? -1 : a.release > b.release ? 1 : 0,
  );
  return all.slice(Math.max(0, all.length - MAX_PENDING_IMAGE_DELETES));
}

/** One line for the Degraded condition naming the images still to delete and the last answer. */
export function imageDeletesMessage(pending: readonly ImageDeleteStatus[]): string {
  const first = pending[0];
  if (first === undefined) return "";
  const more = pending.length > 1 ? ` (and ${pending.length - 1} more, see status.imageDeletes)` : "";
  return `the registry refused to delete the image of removed release ${first.release} (${first.image}), ${first.attempts} attempt(s), retrying at ${first.retryAt ?? "once possible"}: ${first.message ?? ""}${more}`;
}
