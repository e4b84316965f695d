/** Credentials from a `kubernetes.io/dockerconfigjson` document or a skopeo/podman `--authfile`. */
import { z } from "zod";

/** A user name and password for one registry. */
export interface Credentials {
  readonly username: string;
  readonly password: string;
}

const authEntrySchema = z.looseObject({
  auth: z.string().optional(),
  username: z.string().optional(),
  password: z.string().optional(),
  identitytoken: z.string().optional(),
});

const dockerConfigSchema = z.looseObject({
  auths: z.record(z.string(), authEntrySchema).default({}),
});

/** Credentials by registry key, as parsed from a docker config JSON. */
export type CredentialStore = ReadonlyMap<string, Credentials>;

/**
 * Parses a docker config JSON (text or object). Keys are normalized: a scheme and trailing path are
 * dropped except a repository path (podman's `host/namespace` keys), and Docker Hub's
 * `https://index.docker.io/v1/` becomes `docker.io`. Throws an Error saying which entry is unusable.
 */
export function parseDockerConfig(input: string | unknown): CredentialStore {
  let json: unknown = input;
  if (typeof input === "string") {
    try {
      json = JSON.parse(input);
    } catch (error) {
      throw new Error(`registry credentials: not valid JSON (${(error as Error).message})`, { cause: error });
    }
  }
  const parsed = dockerConfigSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `registry credentials: ${issue ? `${issue.path.join(".")}: ${issue.message}` : "malformed"}`,
    );
  }
  const out = new Map<string, Credentials>();
  for (const [key, entry] of Object.entries(parsed.data.auths)) {
    const credentials = entryCredentials(key, entry);
    if (credentials) out.set(normalizeAuthKey(key), credentials);
  }
  return out;
}

function entryCredentials(key: string, entry: z.infer<typeof authEntrySchema>): Credentials | undefined {
  if (entry.auth !== undefined && entry.auth !== "") {
    const decoded = Buffer.from(entry.auth, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon < 0)
      throw new Error(`registry credentials: auths["${key}"].auth is not base64 of "user:password"`);
    return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  if (entry.username !== undefined && entry.password !== undefined) {
    return { username: entry.username, password: entry.password };
  }
  return undefined;
}

/** Normalizes an `auths` key to `host[:port][/path]`. */
export function normalizeAuthKey(key: string): string {
  let k = key.replace(/^[a-z]+:\/\//, "").replace(/\/+$/, "");
  if (k === "index.docker.io/v1" || k === "index.docker.io" || k === "registry-1.docker.io") k = "docker.io";
  if (k.endsWith("/v1") || k.endsWith("/v2")) k = k.slice(0, -3);
  return k;
}

/**
 * The credentials for `registry`/`repository`: the longest matching `host/path` key, then the host key.
 * `undefined` means anonymous access.
 */
export function lookupCredentials(
  store: CredentialStore,
  registry: string,
  repository: string,
): Credentials | undefined {
  const parts = repository.split("/");
  for (let n = parts.length; n >= 1; n--) {
    const found = store.get(`${registry}/${parts.slice(0, n).join("/")}`);
    if (found) return found;
  }
  return store.get(registry);
}
