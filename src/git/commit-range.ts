/**
 * Pure: the commits of `from..to` (reachable from `to`, not from `from`, as `git log from..to`
 * lists them: newest committer date first, ties in the order they were reached) out of the commits
 * a fetch brought, with a cap on how many are listed, and whether `from` was found to be an
 * ancestor of `to`.
 */
import type { GitCommit } from "./commit-object.js";

/** The listed range. */
export interface CommitRange {
  /** At most `limit` commits, newest first. */
  readonly commits: readonly GitCommit[];
  /** How many commits the range holds (a lower bound when `complete` is false). */
  readonly total: number;
  /** `from` is `to` or one of its ancestors. */
  readonly fromIsAncestor: boolean;
  /**
   * False when the walk stopped at the fetch's depth limit (a shallow boundary) before it met
   * `from`: the range may hold more commits than `total`.
   */
  readonly complete: boolean;
  /**
   * `to` is an ancestor of `from` (the release went back): the server had nothing to send, as `to`
   * is reachable from what it was told the client has. The range is empty.
   */
  readonly toIsAncestor: boolean;
}

/** Inserts into `queue` (sorted newest first) after every entry of the same or a newer date. */
function enqueue(queue: GitCommit[], commit: GitCommit): void {
  let i = queue.length;
  while (i > 0 && (queue[i - 1]?.committer.timestamp ?? 0) < commit.committer.timestamp) i--;
  queue.splice(i, 0, commit);
}

function reachable(start: string, commits: ReadonlyMap<string, GitCommit>): Set<string> {
  const seen = new Set<string>();
  const stack = [start];
  for (let id = stack.pop(); id !== undefined; id = stack.pop()) {
    if (seen.has(id)) continue;
    seen.add(id);
    for (const p of commits.get(id)?.parents ?? []) stack.push(p);
  }
  return seen;
}

/**
 * Lists `from..to` from `commits` (what the server sent; commits it knew `from` to have are not
 * there, and the walk treats a missing parent as such). `shallow` are the commits the server cut
 * the history at (their parents were not sent). When the server did not know `from`, everything
 * reachable from it in `commits` is left out here instead, as git does.
 */
export function commitRange(
  commits: ReadonlyMap<string, GitCommit>,
  from: string,
  to: string,
  options: { readonly limit: number; readonly shallow?: ReadonlySet<string> },
): CommitRange {
  if (from === to) return { commits: [], total: 0, fromIsAncestor: true, complete: true, toIsAncestor: true };
  const excluded = commits.has(from) ? reachable(from, commits) : new Set([from]);
  const shallow = options.shallow ?? new Set<string>();
  const listed: GitCommit[] = [];
  const seen = new Set<string>([to]);
  const queue: GitCommit[] = [];
  const first = commits.get(to);
  let fromIsAncestor = false;
  let complete = true;
  if (first === undefined || excluded.has(to))
    return { commits: [], total: 0, fromIsAncestor: false, complete: true, toIsAncestor: true };
  queue.push(first);
  for (let commit = queue.shift(); commit !== undefined; commit = queue.shift()) {
    listed.push(commit);
    if (shallow.has(commit.id)) {
      complete = false;
      continue;
    }
    for (const parent of commit.parents) {
      if (parent === from) fromIsAncestor = true;
      if (seen.has(parent) || excluded.has(parent)) continue;
      seen.add(parent);
      const next = commits.get(parent);
      if (next !== undefined) enqueue(queue, next);
    }
  }
  return {
    commits: listed.slice(0, options.limit),
    total: listed.length,
    fromIsAncestor,
    complete,
    toIsAncestor: false,
  };
}
