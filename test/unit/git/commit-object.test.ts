import { describe, expect, it } from "vitest";
import { parseCommit } from "../../../src/git/commit-object.js";

const TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";
const P1 = "1".repeat(40);
const P2 = "2".repeat(40);
const text = (s: string): Uint8Array => new TextEncoder().encode(s);

describe("parseCommit", () => {
  it("reads tree, parents, author, committer, a multi-line subject paragraph (joined as %s) and the body", () => {
    const commit = parseCommit(
      "c".repeat(40),
      text(
        `tree ${TREE}\nparent ${P1}\nparent ${P2}\nauthor Ada Lovelace <ada@example.com> 1700000000 +0100\n` +
          `committer Bot <bot@example.com> 1700000100 -0500\n` +
          `gpgsig -----BEGIN PGP SIGNATURE-----\n \n iQEzBAABCAAdFiEE\n -----END PGP SIGNATURE-----\n` +
          `\nMerge pull request #42 from okd/fix\n  keeps going\n\nBody line 1\n\nBody line 2\n`,
      ),
    );
    expect(commit).toEqual({
      id: "c".repeat(40),
      tree: TREE,
      parents: [P1, P2],
      author: { name: "Ada Lovelace", email: "ada@example.com", timestamp: 1700000000, timezone: "+0100" },
      committer: { name: "Bot", email: "bot@example.com", timestamp: 1700000100, timezone: "-0500" },
      subject: "Merge pull request #42 from okd/fix keeps going",
      body: "Body line 1\n\nBody line 2",
    });
  });

  it("reads a root commit with an empty message, and refuses one without a tree or committer", () => {
    const root = parseCommit(
      "d".repeat(40),
      text(`tree ${TREE}\nauthor A <a@x> 1 +0000\ncommitter A <a@x> 1 +0000\n\n`),
    );
    expect(root.parents).toEqual([]);
    expect(root.subject).toBe("");
    expect(() => parseCommit("e".repeat(40), text("author A <a@x> 1 +0000\n\nx"))).toThrow(/no tree line/);
    expect(() => parseCommit("e".repeat(40), text(`tree ${TREE}\nauthor A <a@x> 1 +0000\n\nx`))).toThrow(
      /missing committer line/,
    );
  });
});
