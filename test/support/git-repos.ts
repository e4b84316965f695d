/**
 * Local bare git repositories for tests, made with the real `git`: create one with a Dockerfile,
 * commit to it, tag it (lightweight or annotated), move a tag. Serve them with `git-http-server.ts`.
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

const GIT_ENV = {
  GIT_AUTHOR_NAME: "test",
  GIT_AUTHOR_EMAIL: "test@example.com",
  GIT_COMMITTER_NAME: "test",
  GIT_COMMITTER_EMAIL: "test@example.com",
  GIT_CONFIG_NOSYSTEM: "1",
  HOME: tmpdir(),
};

async function git(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await run("git", args, { cwd, env: { ...process.env, ...GIT_ENV } });
  return stdout.trim();
}

/** A directory of bare repositories, each with a work tree of its own to commit from. */
export class GitRepos {
  private constructor(readonly root: string) {}

  /** Makes an empty directory for repositories. */
  static async create(): Promise<GitRepos> {
    return new GitRepos(await mkdtemp(join(tmpdir(), "git-repos-")));
  }

  /** Creates `<root>/<name>.git` with a first commit (a Dockerfile) on `main`; returns its commit. */
  async createRepository(
    name: string,
    files: Record<string, string> = { Dockerfile: "FROM scratch\n" },
  ): Promise<string> {
    const bare = join(this.root, `${name}.git`);
    const work = join(this.root, `${name}.work`);
    await git(this.root, "init", "-q", "--bare", "-b", "main", bare);
    await git(this.root, "init", "-q", "-b", "main", work);
    await git(work, "remote", "add", "origin", bare);
    return this.commit(name, files, "initial");
  }

  /** Writes `files` in the work tree, commits them and pushes `main`; returns the new commit. */
  async commit(name: string, files: Record<string, string>, message = "change"): Promise<string> {
    const work = join(this.root, `${name}.work`);
    for (const [path, content] of Object.entries(files)) {
      await mkdir(join(work, path, ".."), { recursive: true });
      await writeFile(join(work, path), content);
    }
    await git(work, "add", "-A");
    await git(work, "commit", "-q", "--allow-empty", "-m", message);
    await git(work, "push", "-q", "origin", "main");
    return git(work, "rev-parse", "HEAD");
  }

  /** Creates or moves tag `tag` to `main`'s head (annotated when `annotated`) and pushes it; returns the tag object. */
  async tag(name: string, tag: string, annotated = false): Promise<string> {
    const work = join(this.root, `${name}.work`);
    await git(work, "tag", "-f", ...(annotated ? ["-a", "-m", `tag ${tag}`] : []), tag);
    await git(work, "push", "-q", "-f", "origin", `refs/tags/${tag}`);
    return git(work, "rev-parse", `refs/tags/${tag}`);
  }

  /** Creates branch `branch` at `main`'s head and pushes it. */
  async branch(name: string, branch: string): Promise<void> {
    const work = join(this.root, `${name}.work`);
    await git(work, "push", "-q", "origin", `HEAD:refs/heads/${branch}`);
  }

  /** What `git ls-remote <url>` prints, for comparing with our resolver. */
  static async lsRemote(url: string): Promise<Map<string, string>> {
    const { stdout } = await run("git", ["ls-remote", url], { env: { ...process.env, ...GIT_ENV } });
    return new Map(
      stdout
        .trim()
        .split("\n")
        .map((line) => {
          const [id = "", ref = ""] = line.split("\t");
          return [ref, id] as const;
        }),
    );
  }

  /** What `git log --format=%s from..to` prints in `<root>/<name>.git`: the subjects, newest first. */
  static async log(root: string, name: string, from: string, to: string): Promise<string[]> {
    const out = await git(join(root, `${name}.git`), "log", "--format=%s", `${from}..${to}`);
    return out === "" ? [] : out.split("\n");
  }

  /** Removes every repository. */
  async remove(): Promise<void> {
    await rm(this.root, { recursive: true, force: true });
  }
}
