/**
 * Resolving git refs without cloning: one `GET <url>/info/refs?service=git-upload-pack` (the git
 * smart-HTTP ref advertisement, what `git ls-remote` reads), with HTTP basic credentials when
 * given. With `fetch-commits.ts` (the commits of a range), the only modules that talk to git servers.
 */
import {
  GitRefError,
  parseRefAdvertisement,
  resolveRef,
  type RefAdvertisement,
  type ResolvedRef,
} from "./ref-advertisement.js";

export { GitRefError } from "./ref-advertisement.js";
export type { ResolvedRef } from "./ref-advertisement.js";

/** HTTP basic credentials (a Secret's `username`/`password`, or a token as password). */
export interface GitCredentials {
  readonly username: string;
  readonly password: string;
}

/** Options of {@link fetchRefAdvertisement}. */
export interface LsRemoteOptions {
  readonly credentials?: GitCredentials | undefined;
  /** Injected fetch (default: the global one). */
  readonly fetch?: typeof fetch;
  /** Gives up after this long (default 30 s). */
  readonly timeoutMs?: number;
}

const ADVERTISEMENT_TYPE = "application/x-git-upload-pack-advertisement";

/**
 * Reads the ref advertisement of the repository at `url` (`http://` or `https://`). Throws
 * {@link GitRefError} saying what went wrong: not reachable, not found, credentials needed or
 * refused, not a smart-HTTP server.
 */
export async function fetchRefAdvertisement(
  url: string,
  options: LsRemoteOptions = {},
): Promise<RefAdvertisement> {
  if (!/^https?:\/\//i.test(url)) {
    throw new GitRefError(`${url}: only http:// and https:// git URLs can be resolved without cloning`);
  }
  const infoRefs = `${url.replace(/\/+$/, "")}/info/refs?service=git-upload-pack`;
  const headers: Record<string, string> = { "User-Agent": "git/2.39.5 (okd-payload-operator)" };
  if (options.credentials !== undefined) {
    const { username, password } = options.credentials;
    headers["Authorization"] = `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
  }
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(infoRefs, {
      headers,
      signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
    });
  } catch (err: unknown) {
    const cause =
      err instanceof Error ? ((err.cause as Error | undefined)?.message ?? err.message) : String(err);
    throw new GitRefError(`${url}: cannot read its refs: ${cause}`);
  }
  const body = new Uint8Array(await response.arrayBuffer());
  if (response.status === 401 || response.status === 403) {
    throw new GitRefError(
      options.credentials === undefined
        ? `${url}: the git server asks for credentials (HTTP ${response.status}); give a Secret with username and password`
        : `${url}: the git server refused the credentials for ${options.credentials.username} (HTTP ${response.status})`,
    );
  }
  if (response.status === 404) throw new GitRefError(`${url}: no git repository there (HTTP 404)`);
  if (!response.ok) throw new GitRefError(`${url}: cannot read its refs: HTTP ${response.status}`);
  const type = response.headers.get("content-type") ?? "";
  if (!type.startsWith(ADVERTISEMENT_TYPE)) {
    throw new GitRefError(
      `${url}: not a git smart-HTTP server (content type ${JSON.stringify(type)}, expected ${ADVERTISEMENT_TYPE})`,
    );
  }
  return parseRefAdvertisement(body);
}

/**
 * Resolves refs of many components, reading each repository's advertisement once (per URL and
 * credentials) for the resolver's lifetime: one resolver per PayloadBuild plan.
 */
export class GitRefResolver {
  readonly #advertisements = new Map<string, Promise<RefAdvertisement>>();

  constructor(private readonly options: Omit<LsRemoteOptions, "credentials"> = {}) {}

  /** The full ref and commit `ref` names in `url` (see `resolveRef`); throws {@link GitRefError}. */
  async resolve(url: string, ref: string | undefined, credentials?: GitCredentials): Promise<ResolvedRef> {
    const cacheKey = `${credentials?.username ?? ""}\n${url}`;
    let advertisement = this.#advertisements.get(cacheKey);
    if (advertisement === undefined) {
      advertisement = fetchRefAdvertisement(url, { ...this.options, credentials });
      this.#advertisements.set(cacheKey, advertisement);
    }
    return resolveRef(await advertisement, ref, url);
  }
}
