/**
 * The git credentials `payloadctl plan --explain-rebuilds` resolves refs with when a component's
 * own `source.git.secret` gives none (no cluster to read it from, or the CLI's user may not read
 * it): `GIT_USERNAME`/`GIT_PASSWORD` from the environment for every repository, else the
 * repository host's entry in a netrc file (`--git-netrc`, else `$NETRC`, else `~/.netrc` when it
 * exists: the file git, through curl, reads for HTTP credentials).
 */
import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import type { GitCredentials } from "../git/ls-remote.js";
import { CliError } from "./cli-io.js";

/** One `machine` (or the `default`) entry of a netrc file. */
export interface NetrcEntry {
  /** Host name, or undefined for `default`. */
  readonly machine: string | undefined;
  readonly login: string | undefined;
  readonly password: string | undefined;
}

/** Parses a netrc file (`machine`, `default`, `login`, `password`; `account` and `macdef` skipped). Pure. */
export function parseNetrc(text: string): NetrcEntry[] {
  const tokens = text
    .split("\n")
    .filter((line) => !line.trimStart().startsWith("#"))
    .join("\n")
    .split(/\s+/)
    .filter((t) => t !== "");
  const entries: { machine: string | undefined; login?: string; password?: string }[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    const current = entries[entries.length - 1];
    if (token === "machine") entries.push({ machine: tokens[++i] });
    else if (token === "default") entries.push({ machine: undefined });
    else if (token === "login" && current !== undefined) current.login = tokens[++i] ?? "";
    else if (token === "password" && current !== undefined) current.password = tokens[++i] ?? "";
    else if (token === "account") i++;
  }
  return entries.map((e) => ({ machine: e.machine, login: e.login, password: e.password }));
}

/** The credentials a netrc gives for `url` (its host name, as curl matches; else `default`). Pure. */
export function netrcCredentials(entries: readonly NetrcEntry[], url: string): GitCredentials | undefined {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return undefined;
  }
  const entry =
    entries.find((e) => e.machine !== undefined && e.machine.toLowerCase() === host.toLowerCase()) ??
    entries.find((e) => e.machine === undefined);
  if (entry?.password === undefined) return undefined;
  return { username: entry.login ?? "git", password: entry.password };
}

/** Where the CLI found git credentials, for the explanation's header. */
export interface CliGitCredentials {
  /** Credentials for a repository URL, or undefined. */
  readonly forUrl: (url: string) => GitCredentials | undefined;
  /** `GIT_USERNAME/GIT_PASSWORD`, `netrc FILE`, or undefined when there are none. */
  readonly origin: string | undefined;
}

/**
 * Reads the CLI's git credentials (see the module documentation). `netrcFlag` is `--git-netrc`:
 * a file that cannot be read is an error; the implicit `$NETRC`/`~/.netrc` only when it exists.
 */
export async function readCliGitCredentials(
  env: Readonly<Record<string, string | undefined>>,
  netrcFlag: string | undefined,
): Promise<CliGitCredentials> {
  const password = env["GIT_PASSWORD"];
  if (password !== undefined && password !== "") {
    const credentials = { username: env["GIT_USERNAME"] ?? "git", password };
    return { forUrl: () => credentials, origin: "GIT_USERNAME/GIT_PASSWORD" };
  }
  if (env["GIT_USERNAME"] !== undefined && env["GIT_USERNAME"] !== "")
    throw new CliError(
      "GIT_USERNAME is set but GIT_PASSWORD is not: set both (a token goes in GIT_PASSWORD)",
    );
  const file = netrcFlag ?? env["NETRC"] ?? join(env["HOME"] ?? homedir(), ".netrc");
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if (netrcFlag === undefined) return { forUrl: () => undefined, origin: undefined };
    throw new CliError(`--git-netrc ${netrcFlag}: cannot read file: ${(error as Error).message}`);
  }
  const entries = parseNetrc(text);
  return { forUrl: (url) => netrcCredentials(entries, url), origin: `netrc ${file}` };
}
