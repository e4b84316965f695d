/**
 * The packfile reader against packs the real git writes: many similar commits (long, nearly equal
 * messages) repacked with a wide window so commits are stored as deltas of commits, written with
 * OFS_DELTA (`--delta-base-offset`) and with REF_DELTA (without it); every object must read back
 * byte for byte as `git cat-file` prints it, under the id git gives it.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { deflateSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseCommit } from "../../../src/git/commit-object.js";
import { objectIdOf, readPackObjects } from "../../../src/git/pack-file.js";
import { GitProtocolError } from "../../../src/git/pkt-line.js";
import { describeWithTools } from "../../support/required-tool.js";

const run = promisify(execFile);
const ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: "Pack Tester",
  GIT_AUTHOR_EMAIL: "pack@example.com",
  GIT_COMMITTER_NAME: "Pack Tester",
  GIT_COMMITTER_EMAIL: "pack@example.com",
  GIT_CONFIG_NOSYSTEM: "1",
  HOME: tmpdir(),
};

async function git(cwd: string, args: string[], input?: string): Promise<Buffer> {
  const child = run("git", args, { cwd, env: ENV, encoding: "buffer", maxBuffer: 64 * 1024 * 1024 });
  if (input !== undefined) {
    child.child.stdin?.end(input);
  }
  return (await child).stdout;
}

describeWithTools(["git"])("reading packs written by git pack-objects", () => {
  let dir = "";
  let revs = "";
  const COMMITS = 60;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "pack-file-"));
    await git(dir, ["init", "-q", "-b", "main"]);
    const paragraph = "This change adjusts the reconciler so that the release payload is assembled. ".repeat(
      30,
    );
    for (let i = 0; i < COMMITS; i++) {
      await git(dir, [
        "commit",
        "-q",
        "--allow-empty",
        "-m",
        `OCPBUGS-${1000 + i}: change number ${i}`,
        "-m",
        `${paragraph}\nstep ${i}`,
      ]);
    }
    await git(dir, ["repack", "-adf", "--window=50", "--depth=50", "-q"]);
    revs = (await git(dir, ["rev-list", "--objects", "main"])).toString("utf8");
  }, 60_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function expectSameAsGit(packArgs: string[]): Promise<void> {
    const pack = await git(dir, ["pack-objects", "--stdout", "-q", ...packArgs], revs);
    const objects = readPackObjects(pack);
    const ids = revs
      .trim()
      .split("\n")
      .map((l) => l.split(" ")[0] ?? "");
    expect(new Set(objects.map((o) => o.id))).toEqual(new Set(ids));
    for (const o of objects.filter((x) => x.type === "commit").slice(0, 25)) {
      const content = await git(dir, ["cat-file", "commit", o.id]);
      expect(Buffer.from(o.content).equals(content), o.id).toBe(true);
      expect(objectIdOf("commit", o.content)).toBe(o.id);
    }
    // Commits read as git log prints them.
    const subjects = (await git(dir, ["log", "--format=%H %s", "main"])).toString("utf8").trim().split("\n");
    const byId = new Map(objects.map((o) => [o.id, o]));
    for (const line of subjects) {
      const id = line.slice(0, 40);
      const object = byId.get(id);
      expect(object?.type).toBe("commit");
      expect(parseCommit(id, object?.content ?? new Uint8Array()).subject).toBe(line.slice(41));
    }
  }

  it("git stored the commits as deltas of each other, as OFS_DELTA or REF_DELTA entries (the cases the reader must resolve)", async () => {
    for (const [args, typeCode] of [
      [["--delta-base-offset"], 6],
      [[], 7],
    ] as const) {
      const pack = await git(dir, ["pack-objects", "--stdout", "-q", ...args], revs);
      const file = join(dir, `probe-${typeCode}.pack`);
      await writeFile(file, pack);
      await git(dir, ["index-pack", file]);
      const verify = (await git(dir, ["verify-pack", "-v", file])).toString("utf8");
      const deltaCommits = verify
        .split("\n")
        .map((l) => / commit +\d+ \d+ (\d+) \d+ [0-9a-f]{40}$/.exec(l)?.[1])
        .filter((offset) => offset !== undefined);
      expect(deltaCommits.length).toBeGreaterThan(COMMITS / 2);
      for (const offset of deltaCommits) expect(((pack[Number(offset)] ?? 0) >> 4) & 7).toBe(typeCode);
    }
  });

  it("resolves OFS_DELTA chains: every object, byte for byte, with git's ids", async () => {
    await expectSameAsGit(["--delta-base-offset"]);
  });

  it("resolves REF_DELTA chains (bases named by id)", async () => {
    await expectSameAsGit([]);
  });

  it("materialises only the kinds asked for", async () => {
    const pack = await git(dir, ["pack-objects", "--stdout", "-q", "--delta-base-offset"], revs);
    const commits = readPackObjects(pack, new Set(["commit"]));
    expect(commits).toHaveLength(COMMITS);
    expect(commits.every((c) => c.type === "commit")).toBe(true);
  });

  it("refuses a pack whose checksum does not match, naming the problem", async () => {
    const pack = Buffer.from(await git(dir, ["pack-objects", "--stdout", "-q"], revs));
    pack[40] = (pack[40] ?? 0) ^ 0xff;
    expect(() => readPackObjects(pack)).toThrow(GitProtocolError);
    expect(() => readPackObjects(pack)).toThrow(/checksum mismatch/);
    expect(() => readPackObjects(new TextEncoder().encode("not a pack at all, really not one"))).toThrow(
      /no PACK signature/,
    );
  });
});

/** A one-object pack by hand: a blob whose header says `declared` bytes, holding `data` deflated. */
function handMadePack(declared: number, data: Uint8Array): Buffer {
  const header = [0x80 | (3 << 4) | (declared & 0x0f)];
  for (let rest = Math.floor(declared / 16); ; rest = Math.floor(rest / 128)) {
    if (rest < 128) {
      header.push(rest);
      break;
    }
    header.push(0x80 | (rest & 0x7f));
  }
  const head = Buffer.alloc(12);
  head.write("PACK", 0, "latin1");
  head.writeUInt32BE(2, 4);
  head.writeUInt32BE(1, 8);
  const body = Buffer.concat([head, Buffer.from(header), deflateSync(data)]);
  return Buffer.concat([body, createHash("sha1").update(body).digest()]);
}

describe("hostile packs", () => {
  it("reads a well-formed hand-made pack", () => {
    const [blob] = readPackObjects(handMadePack(5, Buffer.from("hello")));
    expect(blob).toMatchObject({ type: "blob", id: objectIdOf("blob", Buffer.from("hello")) });
  });

  it("refuses an object that inflates beyond its declared size (a zlib bomb) without inflating it all", () => {
    expect(() => readPackObjects(handMadePack(10, new Uint8Array(50 * 1024 * 1024)))).toThrow(
      /bad zlib data \(Cannot create a Buffer larger than 10 bytes\)/,
    );
  });

  it("refuses an object declared larger than the reader allows", () => {
    expect(() => readPackObjects(handMadePack(2 ** 31, Buffer.from("x")))).toThrow(/over 268435456/);
  });
});

describe("objectIdOf", () => {
  it("is git's id of an object (the empty blob and the empty tree)", () => {
    expect(objectIdOf("blob", new Uint8Array())).toBe("e69de29bb2d1d6434b8b29ae775ad8c2e48c5391");
    expect(objectIdOf("tree", new Uint8Array())).toBe("4b825dc642cb6eb9a060e54bf8d69288fbee4904");
  });
});
