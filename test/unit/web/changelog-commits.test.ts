import { describe, expect, it } from "vitest";
import type { GitCommit } from "../../../src/git/commit-object.js";
import type { FetchedCommitRange } from "../../../src/git/fetch-commits.js";
import { releaseChangelog, type ReleaseChangelog } from "../../../src/web/changelog.js";
import { changelogCommitOf, rangeKeyOf, withCommits } from "../../../src/web/changelog-commits.js";
import type { RangeCommits } from "../../../src/web/commit-log.js";
import type { ReleaseComponent } from "../../../src/web/release-content.js";
import { releaseInfoResponse } from "../../../src/web/release-api.js";
import { streamModels } from "../../../src/web/release-streams-model.js";
import { renderDocument } from "../../../src/web/render-layout.js";
import { releasePage } from "../../../src/web/render-release-page.js";
import { digest, streamObject } from "./web-fixtures.js";

const REPO = "https://github.com/okd-project/cluster-dns-operator";
const OLD = "1".repeat(40);
const NEW = "2".repeat(40);
const HOSTILE = `<script>window.__xss=1</script> & "quotes"`;

function component(name: string, commit: string, source = REPO): ReleaseComponent {
  return {
    name,
    pullspec: `quay.io/x@${digest(commit[0] ?? "0")}`,
    digest: digest(commit[0] ?? "0"),
    commitId: commit,
    commitRef: undefined,
    sourceLocation: source,
    commitUrl: undefined,
  };
}

function gitCommit(id: string, subject: string, time = 1_764_000_000): GitCommit {
  const who = { name: "Ada", email: "ada@example.com", timestamp: time, timezone: "+0000" };
  return { id, tree: "f".repeat(40), parents: [], author: who, committer: who, subject, body: "" };
}

function range(commits: GitCommit[], extra: Partial<FetchedCommitRange> = {}): RangeCommits {
  return {
    state: "ready",
    range: {
      commits,
      total: commits.length,
      fromIsAncestor: true,
      complete: true,
      toIsAncestor: false,
      protocol: 2,
      filtered: true,
      packBytes: 100,
      ...extra,
    },
  };
}

const P = "4.17.0-0.okd";
const [stream] = streamModels([
  streamObject("okd", P, [
    { name: `${P}-2026-12-01-000000`, phase: "Accepted", digest: digest("1") },
    { name: `${P}-2026-12-02-000000`, phase: "Ready", digest: digest("2") },
  ]),
]);

function changelog(): ReleaseChangelog {
  return releaseChangelog(
    { name: `${P}-2026-12-01-000000`, components: [component("dns-operator", OLD), component("cvo", "abc")] },
    { name: `${P}-2026-12-02-000000`, components: [component("dns-operator", NEW), component("cvo", "abd")] },
  );
}

function page(log: ReleaseChangelog): string {
  if (stream === undefined) throw new Error("no stream");
  const [previous, release] = [stream.releases[1], stream.releases[0]];
  if (release === undefined) throw new Error("no release");
  return renderDocument(
    releasePage({
      stream,
      release,
      previous,
      streams: [stream],
      nowMs: 0,
      content: undefined,
      changelog: log,
    }),
  ).value;
}

describe("changelog commits", () => {
  it("lists a range only with two full commit ids and an http(s) repository", () => {
    const [cvo, dns] = changelog().changed;
    expect(dns && rangeKeyOf(dns, "okd")).toEqual({ namespace: "okd", repository: REPO, from: OLD, to: NEW });
    expect(cvo && rangeKeyOf(cvo, "okd")).toBeUndefined(); // "abc" is not a commit id git can be asked for
    expect(dns && rangeKeyOf({ ...dns, sourceLocation: "git@github.com:okd/x.git" }, "okd")).toBeUndefined();
  });

  it("reads the pull request and the issue keys from a subject, as release-controller shows them", () => {
    const merge = changelogCommitOf(
      gitCommit("3".repeat(40), "Merge pull request #812 from a/b"),
      `${REPO}.git`,
    );
    expect(merge).toMatchObject({
      url: `${REPO}/commit/${"3".repeat(40)}`,
      pullId: 812,
      pullUrl: `${REPO}/pull/812`,
      issues: {},
      committedAt: "2025-11-24T16:00:00Z",
      author: "Ada",
    });
    const squashed = changelogCommitOf(
      gitCommit("4".repeat(40), "OCPBUGS-12, OKD-7: fix the page (#99)"),
      REPO,
    );
    expect(squashed).toMatchObject({
      pullId: 99,
      issues: {
        "OCPBUGS-12": "https://issues.redhat.com/browse/OCPBUGS-12",
        "OKD-7": "https://issues.redhat.com/browse/OKD-7",
      },
    });
    expect(changelogCommitOf(gitCommit("5".repeat(40), "plain"), "ssh://x/y")).toMatchObject({
      url: undefined,
      pullId: undefined,
      pullUrl: undefined,
    });
  });

  it("the release page lists the commits, subjects with markup as text, and how many more", () => {
    const commits = [
      gitCommit("6".repeat(40), HOSTILE),
      gitCommit("7".repeat(40), "Merge pull request #5 from x/y"),
    ];
    const html = page(withCommits(changelog(), "okd", () => range(commits, { total: 250 })));
    expect(html).toContain("&lt;script&gt;window.__xss=1&lt;/script&gt; &amp; &quot;quotes&quot;");
    expect(html).not.toContain("<script>window.__xss");
    expect(html).toContain(`<a href="${REPO}/pull/5">#5</a>`);
    expect(html.replace(/\s+/g, " ")).toContain("and 248 more");
    expect(html).toContain(`data-commit="${"6".repeat(40)}"`);
  });

  it("the release page says commits are being fetched, why they could not be, and when from is not an ancestor", () => {
    expect(page(withCommits(changelog(), "okd", () => ({ state: "pending" })))).toContain(
      "Commits being fetched from the repository",
    );
    expect(
      page(
        withCommits(changelog(), "okd", () => ({
          state: "error",
          message: `${REPO}: no git repository there (HTTP 404)`,
        })),
      ),
    ).toContain(`Commits not listed: ${REPO}: no git repository there (HTTP 404)`);
    const diverged = page(
      withCommits(changelog(), "okd", () =>
        range([gitCommit("8".repeat(40), "x")], { fromIsAncestor: false }),
      ),
    );
    expect(diverged.replace(/\s+/g, " ")).toContain(
      `${OLD.slice(0, 12)} is not an ancestor of ${NEW.slice(0, 12)}`,
    );
    const back = page(
      withCommits(changelog(), "okd", () => range([], { fromIsAncestor: false, toIsAncestor: true })),
    );
    expect(back.replace(/\s+/g, " ")).toContain(
      `${NEW.slice(0, 12)} is an ancestor of ${OLD.slice(0, 12)}: this release went back to an older commit`,
    );
    const shallow = page(
      withCommits(changelog(), "okd", () =>
        range([gitCommit("8".repeat(40), "x")], { complete: false, total: 1 }),
      ),
    );
    expect(shallow.replace(/\s+/g, " ")).toContain("and at least 0 more");
  });

  it("the release JSON carries release-controller's CommitInfo list, or why it is missing", () => {
    const commits = [gitCommit("9".repeat(40), "OCPBUGS-1: fix (#3)")];
    const json = (log: ReleaseChangelog) =>
      JSON.parse(
        releaseInfoResponse(
          streamModels([streamObject("okd", P, [{ name: `${P}-2026-12-02-000000`, phase: "Ready" }])]),
          "okd",
          `${P}-2026-12-02-000000`,
          new URLSearchParams(),
          log,
        ).body,
      ) as { changeLogJson: { updatedImages: Record<string, unknown>[] } };
    const ready = json(withCommits(changelog(), "okd", () => range(commits)));
    expect(ready.changeLogJson.updatedImages[1]).toEqual({
      name: "dns-operator",
      path: REPO,
      shortCommit: NEW.slice(0, 7),
      commit: NEW,
      fullChangeLog: `${REPO}/compare/${OLD}...${NEW}`,
      commits: [
        {
          subject: "OCPBUGS-1: fix (#3)",
          commitID: "9".repeat(40),
          commitURL: `${REPO}/commit/${"9".repeat(40)}`,
          commitDate: "2025-11-24T16:00:00Z",
          pullID: 3,
          pullURL: `${REPO}/pull/3`,
          issues: { "OCPBUGS-1": "https://issues.redhat.com/browse/OCPBUGS-1" },
        },
      ],
    });
    const pending = json(withCommits(changelog(), "okd", () => ({ state: "pending" })));
    expect(pending.changeLogJson.updatedImages[1]).toMatchObject({
      commitsMessage: "commits being fetched; ask again",
    });
    expect(pending.changeLogJson.updatedImages[1]).not.toHaveProperty("commits");
  });
});
