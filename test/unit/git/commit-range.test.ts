import { describe, expect, it } from "vitest";
import type { GitCommit } from "../../../src/git/commit-object.js";
import { commitRange } from "../../../src/git/commit-range.js";

const id = (name: string): string => name.padEnd(40, "0");

/** A commit named `name` (its id padded), committed at `time`, with `parents` by name. */
function commit(name: string, time: number, ...parents: string[]): GitCommit {
  const who = { name: "a", email: "a@x", timestamp: time, timezone: "+0000" };
  return {
    id: id(name),
    tree: "f".repeat(40),
    parents: parents.map(id),
    author: who,
    committer: who,
    subject: name,
    body: "",
  };
}

const mapOf = (...commits: GitCommit[]) => new Map(commits.map((c) => [c.id, c]));
const subjects = (r: { commits: readonly GitCommit[] }) => r.commits.map((c) => c.subject);

describe("commitRange", () => {
  it("lists from..to newest first, from found as an ancestor (the server left it and its history out)", () => {
    const commits = mapOf(commit("c3", 3, "c2"), commit("c2", 2, "c1"), commit("c1", 1, "a0"));
    const r = commitRange(commits, id("a0"), id("c3"), { limit: 200 });
    expect(subjects(r)).toEqual(["c3", "c2", "c1"]);
    expect(r).toMatchObject({ total: 3, fromIsAncestor: true, complete: true });
  });

  it("orders a merge's two sides by committer date, as git log does", () => {
    const commits = mapOf(
      commit("m", 10, "x2", "y2"),
      commit("x2", 8, "x1"),
      commit("y2", 9, "y1"),
      commit("x1", 5, "b0"),
      commit("y1", 6, "b0"),
    );
    expect(subjects(commitRange(commits, id("b0"), id("m"), { limit: 200 }))).toEqual([
      "m",
      "y2",
      "x2",
      "y1",
      "x1",
    ]);
  });

  it("caps the list and counts the rest", () => {
    const commits = mapOf(commit("c3", 3, "c2"), commit("c2", 2, "c1"), commit("c1", 1, "a0"));
    const r = commitRange(commits, id("a0"), id("c3"), { limit: 2 });
    expect(subjects(r)).toEqual(["c3", "c2"]);
    expect(r.total).toBe(3);
  });

  it("says from is not an ancestor when the walk never meets it, and leaves out what from reaches when it was sent", () => {
    // The server did not know `from` (or it is on another line): nothing points at it.
    const other = commitRange(mapOf(commit("c2", 2, "c1"), commit("c1", 1)), id("zz"), id("c2"), {
      limit: 9,
    });
    expect(other).toMatchObject({ fromIsAncestor: false, complete: true, total: 2 });
    // `from` and its history were sent (a server that ignored the have): git's from..to still.
    const sent = mapOf(commit("c3", 3, "c2"), commit("c2", 2, "c1"), commit("c1", 1));
    const r = commitRange(sent, id("c1"), id("c3"), { limit: 9 });
    expect(subjects(r)).toEqual(["c3", "c2"]);
    expect(r.fromIsAncestor).toBe(true);
  });

  it("is incomplete when it stops at the fetch's shallow boundary", () => {
    const commits = mapOf(commit("c3", 3, "c2"), commit("c2", 2, "c1"));
    const r = commitRange(commits, id("a0"), id("c3"), { limit: 9, shallow: new Set([id("c2")]) });
    expect(subjects(r)).toEqual(["c3", "c2"]);
    expect(r).toMatchObject({ complete: false, fromIsAncestor: false });
  });

  it("is empty for from = to, and when to was not sent (it is an ancestor of from: the release went back)", () => {
    expect(commitRange(new Map(), id("a"), id("a"), { limit: 9 })).toMatchObject({
      total: 0,
      fromIsAncestor: true,
    });
    expect(commitRange(new Map(), id("a"), id("b"), { limit: 9 })).toEqual({
      commits: [],
      total: 0,
      fromIsAncestor: false,
      complete: true,
      toIsAncestor: true,
    });
  });
});
