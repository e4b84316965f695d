import { describe, expect, it } from "vitest";
import { commitUrlOf, releaseChangelog } from "../../../src/web/changelog.js";
import type { ReleaseComponent } from "../../../src/web/release-content.js";
import { digest } from "./web-fixtures.js";

function c(
  name: string,
  commit: string | undefined,
  d: string,
  source = `https://github.com/okd-project/${name}`,
): ReleaseComponent {
  return {
    name,
    pullspec: `quay.io/x@${digest(d)}`,
    digest: digest(d),
    commitId: commit,
    commitRef: undefined,
    sourceLocation: source,
    commitUrl: undefined,
  };
}

describe("releaseChangelog", () => {
  it("groups changed commits per repository and range with a compare link; lists new, removed and rebuilt images", () => {
    const before = [
      c("dns", "a1", "1"),
      c("dns-operator", "b1", "2"),
      c("cvo", "c1", "3"),
      c("gone", "d1", "4"),
      c("rebuilt", "e1", "5"),
    ];
    const after = [
      c("dns", "a2", "6"),
      { ...c("dns-metrics", "a2", "7"), sourceLocation: "https://github.com/okd-project/dns" },
      c("dns-operator", "b2", "8"),
      c("cvo", "c1", "3"),
      c("rebuilt", "e1", "9"),
      c("fresh", "f1", "a"),
    ];
    const log = releaseChangelog(
      {
        name: "r1",
        components: [
          ...before,
          { ...c("dns-metrics", "a1", "b"), sourceLocation: "https://github.com/okd-project/dns" },
        ],
      },
      { name: "r2", components: after },
    );
    expect(log.changed).toEqual([
      {
        sourceLocation: "https://github.com/okd-project/dns",
        fromCommit: "a1",
        toCommit: "a2",
        images: ["dns", "dns-metrics"],
        compareUrl: "https://github.com/okd-project/dns/compare/a1...a2",
      },
      {
        sourceLocation: "https://github.com/okd-project/dns-operator",
        fromCommit: "b1",
        toCommit: "b2",
        images: ["dns-operator"],
        compareUrl: "https://github.com/okd-project/dns-operator/compare/b1...b2",
      },
    ]);
    expect(log.newImages).toEqual(["fresh"]);
    expect(log.removedImages).toEqual(["gone"]);
    expect(log.rebuiltImages).toEqual(["rebuilt"]);
  });

  it("links only http(s) repositories: a javascript: or git@ source gives no link", () => {
    expect(commitUrlOf(c("x", "abc", "1", "javascript:alert(1)"))).toBeUndefined();
    expect(commitUrlOf(c("x", "abc", "1", "git@github.com:okd/x.git"))).toBeUndefined();
    expect(commitUrlOf(c("x", "abc", "1", "https://github.com/okd/x.git"))).toBe(
      "https://github.com/okd/x/commit/abc",
    );
    expect(commitUrlOf({ ...c("x", "abc", "1"), commitUrl: "https://git.example/x/-/commit/abc" })).toBe(
      "https://git.example/x/-/commit/abc",
    );
    const log = releaseChangelog(
      { name: "a", components: [c("x", "1", "1", "javascript:alert(1)")] },
      { name: "b", components: [c("x", "2", "2", "javascript:alert(1)")] },
    );
    expect(log.changed[0]?.compareUrl).toBeUndefined();
  });
});
