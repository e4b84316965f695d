import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { netrcCredentials, parseNetrc, readCliGitCredentials } from "../../../src/cli/git-cli-credentials.js";

const NETRC = `# CI bot
machine git.example.com login bot password s3cret
machine other.example.org
  login me
  account x
  password tok
default login anon password guest
`;

describe("the CLI's git credentials", () => {
  it("take a netrc entry by host name (any port), else its default, as curl does", () => {
    const entries = parseNetrc(NETRC);
    expect(netrcCredentials(entries, "https://git.example.com:8443/okd/cli.git")).toEqual({
      username: "bot",
      password: "s3cret",
    });
    expect(netrcCredentials(entries, "http://OTHER.example.org/x")).toEqual({
      username: "me",
      password: "tok",
    });
    expect(netrcCredentials(entries, "https://github.com/okd/x")).toEqual({
      username: "anon",
      password: "guest",
    });
    expect(netrcCredentials(parseNetrc("machine a login b"), "https://a/x")).toBeUndefined();
  });

  it("prefer GIT_USERNAME/GIT_PASSWORD for every repository, refuse a user without a password, and name an unreadable --git-netrc", async () => {
    const env = { GIT_USERNAME: "u", GIT_PASSWORD: "p", HOME: "/nonexistent" };
    const fromEnv = await readCliGitCredentials(env, undefined);
    expect(fromEnv.forUrl("https://any.example/x")).toEqual({ username: "u", password: "p" });
    expect(fromEnv.origin).toBe("GIT_USERNAME/GIT_PASSWORD");
    await expect(readCliGitCredentials({ GIT_USERNAME: "u" }, undefined)).rejects.toThrow(
      /GIT_USERNAME is set but GIT_PASSWORD is not/,
    );
    await expect(readCliGitCredentials({}, "/nonexistent/netrc")).rejects.toThrow(
      /--git-netrc \/nonexistent\/netrc: cannot read file/,
    );
    const none = await readCliGitCredentials({ HOME: "/nonexistent" }, undefined);
    expect(none.origin).toBeUndefined();
    const dir = await mkdtemp(join(tmpdir(), "netrc-"));
    try {
      await writeFile(join(dir, ".netrc"), NETRC);
      const home = await readCliGitCredentials({ HOME: dir }, undefined);
      expect(home.origin).toBe(`netrc ${join(dir, ".netrc")}`);
      expect(home.forUrl("https://git.example.com/x")?.username).toBe("bot");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
