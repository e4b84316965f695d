/**
 * Credentials for reading a changelog repository's commits: the `source.git.secret` a PayloadBuild
 * of the stream's own namespace names for that repository (the Secret the operator already reads refs
 * of private repositories with; never another namespace's, so a stream's page cannot borrow them). The PayloadBuilds come from the informer store; the Secret is read when a range of that
 * repository is fetched (ranges are cached, so not per page view) and remembered for `ttlMs`.
 */
import type { GitCredentials } from "../git/ls-remote.js";
import type { KubeObject } from "../kube/kube-object.js";
import { normalizeGitUri } from "../payload-build/component-key.js";
import { basicAuthOfSecret } from "../payload-build/git-credentials.js";

/** A Secret in a namespace. */
export interface SecretRef {
  readonly namespace: string;
  readonly name: string;
}

const record = (v: unknown): Record<string, unknown> | undefined =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

/**
 * Pure: the first Secret a component of a PayloadBuild in `namespace` names for `repository` (by
 * normalized URL).
 */
export function gitSecretFor(
  payloadBuilds: readonly KubeObject[],
  repository: string,
  namespace: string,
): SecretRef | undefined {
  const wanted = normalizeGitUri(repository);
  for (const pb of payloadBuilds) {
    if ((pb.metadata.namespace ?? "default") !== namespace) continue;
    const components = record(pb["spec"])?.["components"];
    if (!Array.isArray(components)) continue;
    for (const c of components) {
      const git = record(record(record(c)?.["source"])?.["git"]);
      const uri = git?.["uri"];
      const secret = record(git?.["secret"])?.["name"];
      if (typeof uri === "string" && typeof secret === "string" && normalizeGitUri(uri) === wanted)
        return { namespace: pb.metadata.namespace ?? "default", name: secret };
    }
  }
  return undefined;
}

/**
 * `credentialsFor` of the commit log: the credentials of the Secret {@link gitSecretFor} finds in
 * `payloadBuilds()` for the page's namespace, read with `readSecret` at most once per `ttlMs` (default 5 minutes) per Secret;
 * undefined when no PayloadBuild names one (a public repository).
 */
export function payloadBuildGitCredentials(
  payloadBuilds: () => readonly KubeObject[],
  readSecret: (ref: SecretRef) => Promise<KubeObject>,
  options: { readonly ttlMs?: number; readonly now?: () => number } = {},
): (repository: string, namespace: string) => Promise<GitCredentials | undefined> {
  const cache = new Map<string, { at: number; credentials: Promise<GitCredentials> }>();
  const now = options.now ?? Date.now;
  return async (repository, namespace) => {
    const ref = gitSecretFor(payloadBuilds(), repository, namespace);
    if (ref === undefined) return undefined;
    const key = `${ref.namespace}/${ref.name}`;
    const hit = cache.get(key);
    if (hit !== undefined && now() - hit.at < (options.ttlMs ?? 300_000)) return hit.credentials;
    const credentials = readSecret(ref).then((s) => basicAuthOfSecret(s, ref));
    cache.set(key, { at: now(), credentials });
    credentials.catch(() => cache.delete(key));
    return credentials;
  };
}
