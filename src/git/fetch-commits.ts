/**
 * The commits between two commits of a repository, read over git smart HTTP with no git binary
 * and no clone: one `GET info/refs?service=git-upload-pack` (protocol v2 asked for, v0/v1 taken
 * when that is what the server speaks) and one `POST git-upload-pack` wanting `to` and having
 * `from`, commits only (`filter tree:0`) and at most `depth` deep when the server can; the
 * packfile is read in memory and `from..to` walked from it. The act around the pure parsers of
 * `pkt-line.ts`, `pack-file.ts`, `commit-object.ts`, `commit-range.ts` and
 * `upload-pack-request.ts`.
 */
import { parseCommit, type GitCommit } from "./commit-object.js";
import { commitRange, type CommitRange } from "./commit-range.js";
import type { GitCredentials } from "./ls-remote.js";
import { readPackObjects } from "./pack-file.js";
import { GitProtocolError } from "./pkt-line.js";
import {
  parseUploadPackCapabilities,
  parseUploadPackResponse,
  uploadPackRequest,
  type UploadPackCapabilities,
} from "./upload-pack-request.js";

export { GitProtocolError } from "./pkt-line.js";

/** Options of {@link fetchCommitRange}. */
export interface FetchCommitsOptions {
  readonly credentials?: GitCredentials | undefined;
  /** Most commits listed (default 200); `total` still counts the rest. */
  readonly limit?: number;
  /** How deep the history is fetched when the server can cut it (default 1000). */
  readonly depth?: number;
  /** Gives up after this long (default 30 s). */
  readonly timeoutMs?: number;
  /** Refuses a larger answer (default 64 MiB). */
  readonly maxBytes?: number;
  /** Injected fetch (default: the global one). */
  readonly fetch?: typeof fetch;
}

/** A fetched range, with what the transfer cost. */
export interface FetchedCommitRange extends CommitRange {
  readonly protocol: 0 | 2;
  /** The server left trees and blobs out. */
  readonly filtered: boolean;
  /** Bytes of the packfile. */
  readonly packBytes: number;
}

const OBJECT_ID = /^[0-9a-f]{40}$/;

async function request(
  repository: string,
  url: string,
  init: RequestInit & { headers: Record<string, string> },
  options: FetchCommitsOptions,
): Promise<Uint8Array> {
  if (options.credentials !== undefined) {
    const { username, password } = options.credentials;
    init.headers["Authorization"] = `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
  }
  init.headers["User-Agent"] = "git/2.39.5 (okd-payload-operator)";
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(url, {
      ...init,
      signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
    });
  } catch (err: unknown) {
    const cause =
      err instanceof Error ? ((err.cause as Error | undefined)?.message ?? err.message) : String(err);
    throw new GitProtocolError(`${repository}: cannot read its commits: ${cause}`);
  }
  if (response.status === 401 || response.status === 403) {
    await response.body?.cancel();
    throw new GitProtocolError(
      options.credentials === undefined
        ? `${repository}: the git server asks for credentials (HTTP ${response.status}); the changelog lists commits of public repositories and of those a PayloadBuild names with source.git.secret`
        : `${repository}: the git server refused the credentials for ${options.credentials.username} (HTTP ${response.status})`,
    );
  }
  if (response.status === 404) {
    await response.body?.cancel();
    throw new GitProtocolError(`${repository}: no git repository there (HTTP 404)`);
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new GitProtocolError(`${repository}: cannot read its commits: HTTP ${response.status}`);
  }
  const max = options.maxBytes ?? 64 * 1024 * 1024;
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body ?? []) {
    size += (chunk as Uint8Array).length;
    if (size > max) {
      await response.body?.cancel().catch(() => undefined);
      throw new GitProtocolError(`${repository}: the git server's answer exceeds ${max} bytes; not read`);
    }
    chunks.push(chunk as Uint8Array);
  }
  return Buffer.concat(chunks);
}

/**
 * The commits of `from..to` in the repository at `url` (`http(s)://`), at most `limit` listed.
 * Throws {@link GitProtocolError} naming the repository: not reachable, not found, credentials
 * needed or refused, `to` unknown to the server, a malformed answer.
 */
export async function fetchCommitRange(
  url: string,
  from: string,
  to: string,
  options: FetchCommitsOptions = {},
): Promise<FetchedCommitRange> {
  if (!/^https?:\/\//i.test(url))
    throw new GitProtocolError(`${url}: only http:// and https:// repositories can be read`);
  for (const [what, id] of [
    ["from", from],
    ["to", to],
  ] as const)
    if (!OBJECT_ID.test(id))
      throw new GitProtocolError(`${url}: ${what} commit ${JSON.stringify(id)} is not 40 hex`);
  const base = url.replace(/\/+$/, "");
  const advertisement = await request(
    url,
    `${base}/info/refs?service=git-upload-pack`,
    { headers: { "Git-Protocol": "version=2" } },
    options,
  );
  let capabilities: UploadPackCapabilities;
  try {
    capabilities = parseUploadPackCapabilities(advertisement);
  } catch (error) {
    throw new GitProtocolError(`${url}: not a git smart-HTTP server: ${(error as Error).message}`);
  }
  const limit = options.limit ?? 200;
  const body = uploadPackRequest(capabilities, {
    to,
    have: from === to ? [] : [from],
    depth: Math.max(options.depth ?? 1000, limit + 1),
  });
  const answer = await request(
    url,
    `${base}/git-upload-pack`,
    {
      method: "POST",
      body,
      headers: {
        "Content-Type": "application/x-git-upload-pack-request",
        Accept: "application/x-git-upload-pack-result",
        ...(capabilities.version === 2 ? { "Git-Protocol": "version=2" } : {}),
      },
    },
    options,
  );
  let commits: Map<string, GitCommit>;
  let shallow: ReadonlySet<string>;
  let packBytes: number;
  try {
    const result = parseUploadPackResponse(capabilities.version, answer);
    shallow = result.shallow;
    packBytes = result.pack.length;
    commits = new Map(
      readPackObjects(result.pack, new Set(["commit"])).map((o) => [o.id, parseCommit(o.id, o.content)]),
    );
  } catch (error) {
    const message = (error as Error).message;
    if (/not our ref|not found|no such/i.test(message))
      throw new GitProtocolError(`${url}: the git server does not have commit ${to} (${message})`);
    throw new GitProtocolError(`${url}: ${message}`);
  }
  const range = commitRange(commits, from, to, { limit, shallow });
  return { ...range, protocol: capabilities.version, filtered: capabilities.filter, packBytes };
}
