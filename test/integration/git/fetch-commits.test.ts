/**
 * The commits of from..to read over smart HTTP from the real `git http-backend`, compared with what
 * the real `git log from..to` prints: protocol v2 with and without `uploadpack.allowFilter`, the
 * v0 fallback, a cap, a from that is not an ancestor, a repository that does not exist, and one
 * behind HTTP basic auth.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { GitProtocolError, fetchCommitRange } from "../../../src/git/fetch-commits.js";
import { startGitHttpServer, type RunningGitHttpServer } from "../../support/git-http-server.js";
import { GitRepos } from "../../support/git-repos.js";
import { describeWithTools } from "../../support/required-tool.js";

const run = promisify(execFile);

async function git(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await run("git", args, { cwd, env: { ...process.env, GIT_CONFIG_NOSYSTEM: "1" } });
  return stdout.trim();
}

/** What `git log --format=%s from..to` prints in the bare repository. */
async function gitLogSubjects(bare: string, from: string, to: string): Promise<string[]> {
  const out = await git(bare, "log", "--format=%s", `${from}..${to}`);
  return out === "" ? [] : out.split("\n");
}

/** A fetch that never asks for protocol v2, as a server or proxy speaking only v0 would answer. */
const v0Only: typeof fetch = (input, init) => {
  const headers = { ...(init?.headers as Record<string, string>) };
  delete headers["Git-Protocol"];
  return fetch(input, { ...init, headers });
};

describeWithTools(["git"])("listing from..to over git smart HTTP (real git http-backend)", () => {
  const N = 40;
  let repos: GitRepos;
  let server: RunningGitHttpServer;
  let secured: RunningGitHttpServer;
  let url = "";
  let bare = "";
  const ids: string[] = [];
  let sideBranch = "";

  beforeAll(async () => {
    repos = await GitRepos.create();
    ids.push(await repos.createRepository("operator"));
    for (let i = 1; i <= N; i++)
      ids.push(
        await repos.commit(
          "operator",
          { [`pkg/file${i % 5}.go`]: `package pkg // ${i}\n` },
          i === 20 ? `OCPBUGS-20: fix <script>alert(1)</script> in the page (#120)` : `change ${i}`,
        ),
      );
    bare = join(repos.root, "operator.git");
    // A line of history `main` never had: from there, main's head is not a descendant.
    const work = join(repos.root, "operator.work");
    await git(work, "checkout", "-q", "-b", "side", ids[10] ?? "");
    await git(work, "commit", "-q", "--allow-empty", "-m", "side change");
    await git(work, "push", "-q", "origin", "side");
    sideBranch = await git(work, "rev-parse", "HEAD");
    server = await startGitHttpServer({ root: repos.root });
    secured = await startGitHttpServer({
      root: repos.root,
      basicAuth: { username: "bot", password: "s3cret" },
    });
    url = `${server.url}/operator.git`;
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    await secured?.stop();
    await repos?.remove();
  });

  it("lists exactly git log's subjects of from..to, in its order, over protocol v2 (with and without filter)", async () => {
    const from = ids[5] ?? "";
    const to = ids[N] ?? "";
    const expected = await gitLogSubjects(bare, from, to);
    expect(expected).toHaveLength(N - 5);
    for (const allowFilter of ["false", "true"]) {
      await git(bare, "config", "uploadpack.allowFilter", allowFilter);
      const range = await fetchCommitRange(url, from, to);
      expect(range.commits.map((c) => c.subject)).toEqual(expected);
      expect(range).toMatchObject({
        total: N - 5,
        fromIsAncestor: true,
        complete: true,
        protocol: 2,
        filtered: allowFilter === "true",
      });
      // The commit with markup is a string like any other: rendering escapes it.
      expect(range.commits.find((c) => c.id === ids[20])?.subject).toContain("<script>");
    }
  });

  it("speaks v0 when the server does not answer v2, with the same commits", async () => {
    const range = await fetchCommitRange(url, ids[30] ?? "", ids[N] ?? "", { fetch: v0Only });
    expect(range.protocol).toBe(0);
    expect(range.commits.map((c) => c.subject)).toEqual(
      await gitLogSubjects(bare, ids[30] ?? "", ids[N] ?? ""),
    );
  });

  it("cuts the history at the depth asked for over v2 and v0 alike, and says the list may be incomplete", async () => {
    for (const via of [fetch, v0Only]) {
      const range = await fetchCommitRange(url, ids[0] ?? "", ids[N] ?? "", {
        limit: 5,
        depth: 12,
        fetch: via,
      });
      expect(range.commits.map((c) => c.subject)).toEqual(
        (await gitLogSubjects(bare, ids[0] ?? "", ids[N] ?? "")).slice(0, 5),
      );
      expect(range).toMatchObject({ total: 12, complete: false, fromIsAncestor: false });
    }
  });

  it("lists at most the cap and counts the rest", async () => {
    const range = await fetchCommitRange(url, ids[0] ?? "", ids[N] ?? "", { limit: 10 });
    expect(range.commits.map((c) => c.subject)).toEqual(
      (await gitLogSubjects(bare, ids[0] ?? "", ids[N] ?? "")).slice(0, 10),
    );
    expect(range.total).toBe(N);
  });

  it("says when from is not an ancestor of to, listing git's from..to all the same", async () => {
    const range = await fetchCommitRange(url, sideBranch, ids[15] ?? "");
    expect(range.fromIsAncestor).toBe(false);
    expect(range.commits.map((c) => c.subject)).toEqual(
      await gitLogSubjects(bare, sideBranch, ids[15] ?? ""),
    );
    expect(range.commits.map((c) => c.subject)).toEqual([
      "change 15",
      "change 14",
      "change 13",
      "change 12",
      "change 11",
    ]);
  });

  it("says when to is older than from (a component went back): nothing to list", async () => {
    const range = await fetchCommitRange(url, ids[N] ?? "", ids[5] ?? "");
    expect(await gitLogSubjects(bare, ids[N] ?? "", ids[5] ?? "")).toEqual([]);
    expect(range).toMatchObject({ commits: [], total: 0, fromIsAncestor: false, toIsAncestor: true });
  });

  it("names the repository when it does not exist, when to is unknown, and when credentials are needed or wrong", async () => {
    const missing = `${server.url}/nothing-here.git`;
    await expect(fetchCommitRange(missing, ids[1] ?? "", ids[2] ?? "")).rejects.toThrow(
      `${missing}: no git repository there (HTTP 404)`,
    );
    await expect(fetchCommitRange(url, ids[1] ?? "", "1".repeat(40))).rejects.toThrow(
      `${url}: the git server does not have commit ${"1".repeat(40)}`,
    );
    const private_ = `${secured.url}/operator.git`;
    await expect(fetchCommitRange(private_, ids[1] ?? "", ids[3] ?? "")).rejects.toThrow(GitProtocolError);
    await expect(fetchCommitRange(private_, ids[1] ?? "", ids[3] ?? "")).rejects.toThrow(
      `${private_}: the git server asks for credentials (HTTP 401)`,
    );
    await expect(
      fetchCommitRange(private_, ids[1] ?? "", ids[3] ?? "", {
        credentials: { username: "bot", password: "nope" },
      }),
    ).rejects.toThrow(`${private_}: the git server refused the credentials for bot (HTTP 401)`);
    const range = await fetchCommitRange(private_, ids[1] ?? "", ids[3] ?? "", {
      credentials: { username: "bot", password: "s3cret" },
    });
    expect(range.commits.map((c) => c.subject)).toEqual(["change 3", "change 2"]);
  });
});
