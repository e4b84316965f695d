/**
 * The commits of the changelog's repository ranges, fetched over git smart HTTP
 * (`src/git/fetch-commits.ts`) and remembered in memory by (namespace, repository, from, to; the
 * namespace because its Secrets may be what reads a private repository): two commit ids
 * name an immutable range, so a listed range never goes stale (a failed fetch is forgotten after
 * `retryAfterMs`, so a server that was down is asked again). At most `maxEntries` ranges are kept,
 * least recently used first out. A page never waits for git longer than it chooses to
 * ({@link CommitLog.settle}); what is not ready is shown as being fetched, and `onSettled` tells the
 * live pages to update when it is.
 */
import { fetchCommitRange, type FetchCommitsOptions, type FetchedCommitRange } from "../git/fetch-commits.js";
import type { GitCredentials } from "../git/ls-remote.js";

/** What is known of one range. */
export type RangeCommits =
  | { readonly state: "pending" }
  | { readonly state: "ready"; readonly range: FetchedCommitRange }
  | { readonly state: "error"; readonly message: string };

/** One range of one repository, as seen from one namespace (whose Secrets may be used to read it). */
export interface RangeKey {
  /** The namespace of the stream whose page lists the range. */
  readonly namespace: string;
  readonly repository: string;
  readonly from: string;
  readonly to: string;
}

/** Fetches a range (injected for tests; default {@link fetchCommitRange}). */
export type RangeFetcher = (
  repository: string,
  from: string,
  to: string,
  options: FetchCommitsOptions,
) => Promise<FetchedCommitRange>;

/** Options of {@link createCommitLog}. */
export interface CommitLogOptions {
  /**
   * Credentials for a repository read for a page of `namespace` (e.g. the `source.git.secret` a
   * PayloadBuild of that namespace names), or undefined.
   */
  readonly credentialsFor?: (repository: string, namespace: string) => Promise<GitCredentials | undefined>;
  /** Most ranges kept. Default 256. */
  readonly maxEntries?: number;
  /** A failed fetch is tried again after this long. Default 60 s. */
  readonly retryAfterMs?: number;
  /** Most commits listed per range. Default 200. */
  readonly limit?: number;
  /** One fetch gives up after this long. Default 30 s. */
  readonly timeoutMs?: number;
  readonly fetchRange?: RangeFetcher;
  readonly now?: () => number;
  /**
   * Hosts (`host` or `host:port`, case-insensitive) whose repositories may be fetched (`--web-git-hosts`);
   * a range of another host is an error naming it and the list, and no request is made. Undefined: any
   * host; empty: none (commit listing off).
   */
  readonly allowedHosts?: readonly string[];
}

/**
 * Why `repository` may not be fetched under `allowedHosts` (see {@link CommitLogOptions.allowedHosts}),
 * or undefined when it may. Pure.
 */
export function disallowedGitHost(
  repository: string,
  allowedHosts: readonly string[] | undefined,
): string | undefined {
  if (allowedHosts === undefined) return undefined;
  if (allowedHosts.length === 0) return "commit listing is off (--web-git-hosts none)";
  let url: URL;
  try {
    url = new URL(repository);
  } catch {
    return `${repository} is not a URL`;
  }
  const allowed = allowedHosts.map((h) => h.toLowerCase());
  if (allowed.includes(url.host.toLowerCase()) || allowed.includes(url.hostname.toLowerCase()))
    return undefined;
  return `host ${url.host} is not among --web-git-hosts (${allowedHosts.join(", ")})`;
}

/** The cache. */
export interface CommitLog {
  /** What is known of `key` now; starts its fetch when nothing is (or a failure is old). */
  lookup(key: RangeKey): RangeCommits;
  /** Resolves when every key is ready or failed, or after `waitMs`, whichever is first. */
  settle(keys: readonly RangeKey[], waitMs: number): Promise<void>;
  /** Calls `listener` whenever a fetch finishes; returns the unsubscribe function. */
  onSettled(listener: () => void): () => void;
}

interface Entry {
  state: RangeCommits;
  done: Promise<void>;
  failedAt?: number;
}

const keyOf = (k: RangeKey): string => `${k.namespace}\n${k.repository}\n${k.from}\n${k.to}`;

/** Creates the cache; see the module documentation. */
export function createCommitLog(options: CommitLogOptions = {}): CommitLog {
  const entries = new Map<string, Entry>();
  const listeners = new Set<() => void>();
  const now = options.now ?? Date.now;
  const fetchRange = options.fetchRange ?? fetchCommitRange;
  const max = options.maxEntries ?? 256;

  const start = (key: RangeKey): Entry => {
    const entry: Entry = { state: { state: "pending" }, done: Promise.resolve() };
    entry.done = (async () => {
      try {
        const refused = disallowedGitHost(key.repository, options.allowedHosts);
        if (refused !== undefined) throw new Error(refused);
        const credentials = await options.credentialsFor?.(key.repository, key.namespace);
        const range = await fetchRange(key.repository, key.from, key.to, {
          credentials,
          limit: options.limit ?? 200,
          timeoutMs: options.timeoutMs ?? 30_000,
        });
        entry.state = { state: "ready", range };
      } catch (error) {
        entry.state = { state: "error", message: error instanceof Error ? error.message : String(error) };
        entry.failedAt = now();
      }
      for (const l of listeners) l();
    })();
    return entry;
  };

  const lookup = (key: RangeKey): RangeCommits => {
    const k = keyOf(key);
    let entry = entries.get(k);
    if (entry?.failedAt !== undefined && now() - entry.failedAt >= (options.retryAfterMs ?? 60_000))
      entry = undefined;
    if (entry === undefined) entry = start(key);
    entries.delete(k);
    entries.set(k, entry);
    while (entries.size > max) {
      const oldest = entries.keys().next().value;
      if (oldest === undefined) break;
      entries.delete(oldest);
    }
    return entry.state;
  };

  return {
    lookup,
    settle: async (keys, waitMs) => {
      const pending = keys.flatMap((k) => entries.get(keyOf(k))?.done ?? []);
      if (pending.length === 0) return;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.all(pending),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, waitMs);
        }),
      ]);
      clearTimeout(timer);
    },
    onSettled: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
