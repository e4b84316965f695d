/**
 * The git credentials of a payload's components, as the operator reads them: each
 * `source.git.secret` names a `kubernetes.io/basic-auth` Secret in the PayloadBuild's namespace
 * (`username`, `password`). Shared by the operator's rebuild planner and `payloadctl plan
 * --explain-rebuilds`, so both resolve refs with the same credentials and report the same problems.
 */
import type { GitCredentials } from "../git/ls-remote.js";
import type { KubeClient } from "../kube/kube-client.js";
import type { KubeObject } from "../kube/kube-object.js";
import { isNotFound } from "../kube/kube-errors.js";
import { SECRETS } from "../kube/resource.js";
import type { ComponentKeyProblem } from "./resolve-component-keys.js";
import type { ResolvedComponent } from "./resolve-component.js";

/** Secret name -> its credentials, or the error reading it (a problem of the components naming it). */
export type GitSecretCredentials = ReadonlyMap<string, GitCredentials | Error>;

/**
 * Reads every Secret the components name in `source.git.secret` from `namespace`. Never throws:
 * a Secret that cannot be read (absent, forbidden, no password) maps to the error saying so.
 */
export async function readGitSecrets(
  client: KubeClient | undefined,
  namespace: string,
  components: readonly ResolvedComponent[],
): Promise<GitSecretCredentials> {
  const names = new Set(components.flatMap((c) => c.spec.source?.git?.secret?.name ?? []));
  const found = new Map<string, GitCredentials | Error>();
  for (const name of names) {
    found.set(
      name,
      await readBasicAuthSecret(client, namespace, name).catch((err: unknown) =>
        err instanceof Error ? err : new Error(String(err)),
      ),
    );
  }
  return found;
}

/** A `kubernetes.io/basic-auth` Secret's credentials; throws naming the Secret and what to do. */
export async function readBasicAuthSecret(
  client: KubeClient | undefined,
  namespace: string,
  name: string,
): Promise<GitCredentials> {
  if (client === undefined) throw new Error(`Secret ${namespace}/${name} cannot be read (no API client)`);
  let secret: KubeObject;
  try {
    secret = await client.get(SECRETS, { namespace, name });
  } catch (err: unknown) {
    if (!isNotFound(err)) throw err;
    throw new Error(
      `Secret ${namespace}/${name} not found; create it (kubectl create secret generic ${name} -n ${namespace} --type kubernetes.io/basic-auth --from-literal username=... --from-literal password=...)`,
      { cause: err },
    );
  }
  return basicAuthOfSecret(secret, { namespace, name });
}

/**
 * Pure: the `username` (default `git`) and `password` of a `kubernetes.io/basic-auth` Secret object
 * (base64 `data`). Throws naming the Secret when it has no password.
 */
export function basicAuthOfSecret(
  secret: KubeObject,
  ref: { readonly namespace: string; readonly name: string },
): GitCredentials {
  const data = secret["data"];
  const field = (key: string): string | undefined => {
    const value =
      typeof data === "object" && data !== null ? (data as Record<string, unknown>)[key] : undefined;
    return typeof value === "string" ? Buffer.from(value, "base64").toString("utf8") : undefined;
  };
  const password = field("password");
  if (password === undefined || password === "") {
    throw new Error(
      `Secret ${ref.namespace}/${ref.name} has no password (expected type kubernetes.io/basic-auth with username and password)`,
    );
  }
  return { username: field("username") ?? "git", password };
}

/** The credentials `component` resolves its ref with (undefined: none, or its Secret is unreadable). */
export function credentialsOf(
  component: ResolvedComponent,
  secrets: GitSecretCredentials,
): GitCredentials | undefined {
  const name = component.spec.source?.git?.secret?.name;
  const found = name === undefined ? undefined : secrets.get(name);
  return found instanceof Error ? undefined : found;
}

/**
 * `problems` with the problem of each component whose Secret cannot be read replaced by (or
 * added as) that reason: the Secret is the cause, not the "needs credentials" answer that follows.
 */
export function withSecretProblems(
  problems: readonly ComponentKeyProblem[],
  components: readonly ResolvedComponent[],
  secrets: GitSecretCredentials,
): ComponentKeyProblem[] {
  const result = [...problems];
  for (const c of components) {
    const name = c.spec.source?.git?.secret?.name;
    const found = name === undefined ? undefined : secrets.get(name);
    if (!(found instanceof Error)) continue;
    const message = `component ${c.name}: spec.components[${c.specIndex}].source.git.secret: ${found.message}`;
    const at = result.findIndex((p) => p.component === c.name);
    if (at >= 0) result[at] = { component: c.name, message };
    else result.push({ component: c.name, message });
  }
  return result.sort((a, b) => (a.component < b.component ? -1 : a.component > b.component ? 1 : 0));
}
