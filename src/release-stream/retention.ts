/**
 * Which releases retention removes, as release-controller's garbage collection does: walking the
 * releases newest first, Failed and Rejected ones older than the oldest Accepted release are
 * removed, and of the newer ones only the newest `keepFailed`/`keepRejected` stay; Accepted releases
 * beyond the newest `keepAccepted` go once `expireAfter` has passed since their creation (at once
 * without expireAfter). Pending and Ready releases and releases marked keep always stay. Pure.
 */
import type { RetentionSpec, StreamRelease } from "../api/index.js";

/** Parses a Go duration (`168h`, `1h30m`, `90s`) to milliseconds; undefined when malformed. */
export function parseGoDurationMs(value: string): number | undefined {
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const re = /([0-9]+(?:\.[0-9]+)?)(ns|us|ms|s|m|h)/gy;
  let total = 0;
  let consumed = 0;
  for (let m = re.exec(value); m !== null; m = re.exec(value)) {
    total += Number(m[1]) * (units[m[2] ?? ""] ?? 0);
    consumed = re.lastIndex;
  }
  return consumed === value.length && value.length > 0 ? total : undefined;
}

/** The names of the releases to remove from `releases` (newest first). */
export function releasesToRemove(
  releases: readonly StreamRelease[],
  retention: RetentionSpec,
  keep: ReadonlySet<string>,
  nowMs: number,
): Set<string> {
  const remove = new Set<string>();
  const candidates = releases.filter((r) => !keep.has(r.name));
  let oldestAccepted = -1;
  candidates.forEach((r, i) => {
    if (r.phase === "Accepted") oldestAccepted = i;
  });
  const kept = { Failed: 0, Rejected: 0, Accepted: 0 };
  const limits = { Failed: retention.keepFailed, Rejected: retention.keepRejected };
  const expireMs =
    retention.expireAfter === undefined ? 0 : (parseGoDurationMs(retention.expireAfter) ?? Infinity);
  candidates.forEach((r, i) => {
    if (r.phase === "Failed" || r.phase === "Rejected") {
      if (oldestAccepted >= 0 && i > oldestAccepted) remove.add(r.name);
      else if (kept[r.phase] >= limits[r.phase]) remove.add(r.name);
      else kept[r.phase] += 1;
    } else if (r.phase === "Accepted") {
      kept.Accepted += 1;
      if (kept.Accepted <= retention.keepAccepted) return;
      const created = Date.parse(r.createdAt ?? "");
      if (Number.isNaN(created) || created + expireMs <= nowMs) remove.add(r.name);
    }
  });
  return remove;
}

/** When the next Accepted release expires (epoch ms), for a requeue; undefined when none will. */
export function nextExpiryMs(
  releases: readonly StreamRelease[],
  retention: RetentionSpec,
  keep: ReadonlySet<string>,
  nowMs: number,
): number | undefined {
  if (retention.expireAfter === undefined) return undefined;
  const expireMs = parseGoDurationMs(retention.expireAfter);
  if (expireMs === undefined) return undefined;
  const accepted = releases.filter((r) => r.phase === "Accepted" && !keep.has(r.name));
  const due = accepted
    .slice(retention.keepAccepted)
    .map((r) => Date.parse(r.createdAt ?? "") + expireMs)
    .filter((t) => !Number.isNaN(t) && t > nowMs);
  return due.length === 0 ? undefined : Math.min(...due);
}
