import { describe, expect, it } from "vitest";
import type { FetchedCommitRange } from "../../../src/git/fetch-commits.js";
import { createCommitLog, disallowedGitHost, type RangeFetcher } from "../../../src/web/commit-log.js";

const key = (n: number, namespace = "okd") => ({
  namespace,
  repository: `https://git.example/r${n}`,
  from: "a".repeat(40),
  to: "b".repeat(40),
});
const EMPTY: FetchedCommitRange = {
  commits: [],
  total: 0,
  fromIsAncestor: true,
  complete: true,
  toIsAncestor: false,
  protocol: 2,
  filtered: true,
  packBytes: 32,
};

/** Lets the fetches started by lookups begin (credentials are looked up first, asynchronously). */
const tick = () => new Promise((resolve) => setImmediate(resolve));

/** A fetcher whose answers the test releases by hand. */
function manualFetcher() {
  const calls: {
    repository: string;
    resolve: (r: FetchedCommitRange) => void;
    reject: (e: Error) => void;
  }[] = [];
  const fetchRange: RangeFetcher = (repository) =>
    new Promise((resolve, reject) => calls.push({ repository, resolve, reject }));
  return { calls, fetchRange };
}

describe("commit log", () => {
  it("starts a fetch on the first lookup, shares it, and answers from memory once done", async () => {
    const { calls, fetchRange } = manualFetcher();
    const log = createCommitLog({ fetchRange });
    const settled: number[] = [];
    log.onSettled(() => settled.push(1));
    expect(log.lookup(key(1))).toEqual({ state: "pending" });
    expect(log.lookup(key(1))).toEqual({ state: "pending" });
    await tick();
    expect(calls).toHaveLength(1);
    calls[0]?.resolve(EMPTY);
    await log.settle([key(1)], 1000);
    expect(log.lookup(key(1))).toEqual({ state: "ready", range: EMPTY });
    expect(calls).toHaveLength(1);
    expect(settled).toEqual([1]);
  });

  it("settle waits no longer than asked for a slow server", async () => {
    const { fetchRange } = manualFetcher();
    const log = createCommitLog({ fetchRange });
    log.lookup(key(1));
    const started = Date.now();
    await log.settle([key(1)], 50);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(log.lookup(key(1)).state).toBe("pending");
  });

  it("remembers a failure with its message, and asks again after retryAfterMs", async () => {
    const { calls, fetchRange } = manualFetcher();
    let now = 0;
    const log = createCommitLog({ fetchRange, retryAfterMs: 1000, now: () => now });
    log.lookup(key(1));
    await tick();
    calls[0]?.reject(new Error("https://git.example/r1: no git repository there (HTTP 404)"));
    await log.settle([key(1)], 1000);
    expect(log.lookup(key(1))).toEqual({
      state: "error",
      message: "https://git.example/r1: no git repository there (HTTP 404)",
    });
    now = 999;
    log.lookup(key(1));
    expect(calls).toHaveLength(1);
    now = 1000;
    expect(log.lookup(key(1))).toEqual({ state: "pending" });
    await tick();
    expect(calls).toHaveLength(2);
  });

  it("keeps at most maxEntries ranges, the least recently used going first", async () => {
    const { calls, fetchRange } = manualFetcher();
    const log = createCommitLog({ fetchRange, maxEntries: 2 });
    log.lookup(key(1));
    log.lookup(key(2));
    log.lookup(key(1)); // 1 is now the most recent
    log.lookup(key(3)); // 2 goes
    await tick();
    for (const c of calls) c.resolve(EMPTY);
    await log.settle([key(1), key(3)], 1000);
    expect(calls.map((c) => c.repository)).toEqual([key(1), key(2), key(3)].map((k) => k.repository));
    log.lookup(key(1));
    log.lookup(key(3));
    await tick();
    expect(calls).toHaveLength(3);
    log.lookup(key(2));
    await tick();
    expect(calls).toHaveLength(4);
  });

  it("passes the repository's credentials for the page's namespace and the cap to the fetch", async () => {
    const seen: unknown[] = [];
    const log = createCommitLog({
      limit: 7,
      credentialsFor: (repository, namespace) =>
        Promise.resolve(
          repository.endsWith("r1") && namespace === "okd" ? { username: "bot", password: "x" } : undefined,
        ),
      fetchRange: (_r, _f, _t, options) => {
        seen.push({ credentials: options.credentials, limit: options.limit });
        return Promise.resolve(EMPTY);
      },
    });
    log.lookup(key(1));
    log.lookup(key(2));
    // The same range seen from another namespace is another entry, read with that namespace's credentials.
    log.lookup(key(1, "other"));
    await log.settle([key(1), key(2), key(1, "other")], 1000);
    expect(seen).toEqual([
      { credentials: { username: "bot", password: "x" }, limit: 7 },
      { credentials: undefined, limit: 7 },
      { credentials: undefined, limit: 7 },
    ]);
  });

  it("fetches nothing from a host outside allowedHosts, and says which host and list", async () => {
    const { calls, fetchRange } = manualFetcher();
    const log = createCommitLog({ fetchRange, allowedHosts: ["github.com", "git.internal:8443"] });
    const refused = { ...key(1), repository: "http://169.254.169.254/latest" };
    const allowed = { ...key(2), repository: "https://GitHub.com/openshift/api" };
    log.lookup(refused);
    log.lookup(allowed);
    await log.settle([refused], 1000);
    expect(calls.map((c) => c.repository)).toEqual(["https://GitHub.com/openshift/api"]);
    expect(log.lookup(refused)).toEqual({
      state: "error",
      message: "host 169.254.169.254 is not among --web-git-hosts (github.com, git.internal:8443)",
    });
  });

  it("with an empty allowedHosts lists no commits at all; undefined allows any host", () => {
    expect(disallowedGitHost("https://github.com/x/y", [])).toBe(
      "commit listing is off (--web-git-hosts none)",
    );
    expect(disallowedGitHost("https://github.com/x/y", undefined)).toBeUndefined();
    expect(disallowedGitHost("https://git.internal:8443/x", ["git.internal:8443"])).toBeUndefined();
    expect(disallowedGitHost("https://git.internal:9999/x", ["git.internal:8443"])).toMatch(
      /git.internal:9999/,
    );
    expect(disallowedGitHost("https://git.internal:9999/x", ["git.internal"])).toBeUndefined();
  });
});
