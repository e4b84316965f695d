import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GitRefError, GitRefResolver, fetchRefAdvertisement } from "../../../src/git/ls-remote.js";
import { parseRefAdvertisement } from "../../../src/git/ref-advertisement.js";
import {
  hasGitHttpBackend,
  startGitHttpServer,
  type RunningGitHttpServer,
} from "../../support/git-http-server.js";
import { GitRepos } from "../../support/git-repos.js";

const available = await hasGitHttpBackend();
if (!available && process.env["CI"] !== undefined)
  throw new Error("git http-backend missing: apt-get install git");

describe.skipIf(!available)(
  "resolving git refs over smart HTTP (git http-backend; apt-get install git)",
  () => {
    let repos: GitRepos;
    let server: RunningGitHttpServer;
    let secured: RunningGitHttpServer;
    let url: string;
    const commits: Record<string, string> = {};

    beforeAll(async () => {
      repos = await GitRepos.create();
      commits["first"] = await repos.createRepository("cli");
      await repos.tag("cli", "v1.0", true);
      await repos.tag("cli", "light");
      commits["second"] = await repos.commit("cli", { "main.go": "package main\n" });
      await repos.branch("cli", "release-4.17");
      await repos.tag("cli", "release-4.17"); // a tag named like a branch: ambiguous
      server = await startGitHttpServer({ root: repos.root });
      secured = await startGitHttpServer({
        root: repos.root,
        basicAuth: { username: "bot", password: "s3cret" },
      });
      url = `${server.url}/cli.git`;
    });
    afterAll(async () => {
      await server.stop();
      await secured.stop();
      await repos.remove();
    });

    it("reads the same refs git ls-remote reads, and peels annotated tags", async () => {
      const advertisement = await fetchRefAdvertisement(url);
      const listed = await GitRepos.lsRemote(url);
      for (const [name, ref] of advertisement.refs) expect(listed.get(name)).toBe(ref.objectId);
      expect(listed.get("refs/tags/v1.0^{}")).toBe(commits["first"]);
      expect(advertisement.refs.get("refs/tags/v1.0")?.peeled).toBe(commits["first"]);
      expect(advertisement.headTarget).toBe("refs/heads/main");
    });

    it("resolves branches, tags (annotated to their commit), full refs, commits and the default branch", async () => {
      const reads = () => server.requests.filter((r) => r.startsWith("/cli.git/info/refs")).length;
      const before = reads();
      const resolver = new GitRefResolver();
      expect(await resolver.resolve(url, "main")).toEqual({
        ref: "refs/heads/main",
        commit: commits["second"],
      });
      expect(await resolver.resolve(url, undefined)).toEqual({
        ref: "refs/heads/main",
        commit: commits["second"],
      });
      expect(await resolver.resolve(url, "v1.0")).toEqual({
        ref: "refs/tags/v1.0",
        commit: commits["first"],
      });
      expect(await resolver.resolve(url, "light")).toEqual({
        ref: "refs/tags/light",
        commit: commits["first"],
      });
      expect(await resolver.resolve(url, "refs/heads/release-4.17")).toMatchObject({
        commit: commits["second"],
      });
      expect(await resolver.resolve(url, commits["first"])).toEqual({
        ref: commits["first"],
        commit: commits["first"],
      });
      // One advertisement read for all of them.
      expect(reads() - before).toBe(1);
    });

    it("names the repository and what exists when a ref does not exist or is ambiguous", async () => {
      const resolver = new GitRefResolver();
      await expect(resolver.resolve(url, "nope")).rejects.toThrow(
        new RegExp(
          `ref nope does not exist in ${url} \\(no refs/heads/nope or refs/tags/nope\\); it has .*main`,
        ),
      );
      await expect(resolver.resolve(url, "release-4.17")).rejects.toThrow(
        /ambiguous.*refs\/heads\/release-4.17 and refs\/tags\/release-4.17/,
      );
      await expect(resolver.resolve(`${server.url}/missing.git`, "main")).rejects.toThrow(
        /no git repository there \(HTTP 404\)/,
      );
    });

    it("uses basic credentials, and says when they are missing or refused", async () => {
      const secure = `${secured.url}/cli.git`;
      await expect(new GitRefResolver().resolve(secure, "main")).rejects.toThrow(
        /asks for credentials \(HTTP 401\)/,
      );
      await expect(
        new GitRefResolver().resolve(secure, "main", { username: "bot", password: "wrong" }),
      ).rejects.toThrow(/refused the credentials for bot/);
      expect(
        await new GitRefResolver().resolve(secure, "main", { username: "bot", password: "s3cret" }),
      ).toMatchObject({
        commit: commits["second"],
      });
    });

    it("sees a new commit on the next resolver", async () => {
      const third = await repos.commit("cli", { "main.go": "package main // 3\n" });
      expect((await new GitRefResolver().resolve(url, "main")).commit).toBe(third);
    });

    it("refuses malformed advertisements and non-http URLs with a GitRefError", async () => {
      expect(() => parseRefAdvertisement(Buffer.from("zzzz"))).toThrow(GitRefError);
      expect(() => parseRefAdvertisement(Buffer.from("000fERR denied\n"))).toThrow(
        /the git server answered: denied/,
      );
      await expect(fetchRefAdvertisement("git://127.0.0.1/x.git")).rejects.toThrow(/only http/);
    });
  },
);
