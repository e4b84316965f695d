/**
 * How the operator reads OpenShift's integrated registry: with its own ServiceAccount token.
 *
 * openshift/image-registry authorizes every repository access `<namespace>/<stream>` by asking the
 * API server, with the caller's token, whether the caller may `get` (pull) or `update` (push)
 * `imagestreams/layers` (group `image.openshift.io`) named `<stream>` in `<namespace>`. A token is
 * presented as a bearer token or as the password of basic credentials (any user name). So release
 * assembly reads component images from the integrated registry with the token the operator runs
 * with, and its ClusterRole grants `get imagestreams/layers`; the push Secret is only for the
 * release destination.
 */
import type { KubeObject } from "../kube/kube-object.js";
import { parseDockerReference } from "../registry/image-reference.js";

/** The integrated registry's in-cluster name on OpenShift (its Service in `openshift-image-registry`). */
export const DEFAULT_INTEGRATED_REGISTRY = "image-registry.openshift-image-registry.svc:5000";

/** User name sent with the token as basic credentials (OpenShift's registry ignores it). */
export const TOKEN_USER_NAME = "serviceaccount";

/** What the release assembler needs to read the integrated registry as the operator. */
export interface IntegratedRegistryAccess {
  /** Registry hosts (`host[:port]`) that are the integrated registry, for components of `namespace`. */
  readonly hosts: (namespace: string) => Iterable<string>;
  /** The operator's bearer token; `undefined` when it authenticates otherwise (client certificate). */
  readonly token: () => Promise<string | undefined>;
}

/** The registry host of a repository or pullspec, `undefined` when it names none. */
export function registryHostOf(repository: string | undefined): string | undefined {
  if (repository === undefined || repository === "") return undefined;
  try {
    return parseDockerReference(repository).registry;
  } catch {
    return undefined;
  }
}

/**
 * The integrated registry's hosts as ImageStreams name them: `status.dockerImageRepository` and
 * `status.publicDockerImageRepository`, which openshift-apiserver fills in only with the integrated
 * registry's names.
 */
export function imageStreamRegistryHosts(streams: Iterable<KubeObject>): Set<string> {
  const hosts = new Set<string>();
  for (const stream of streams) {
    const status = stream["status"];
    if (typeof status !== "object" || status === null) continue;
    for (const key of ["dockerImageRepository", "publicDockerImageRepository"]) {
      const value = (status as Record<string, unknown>)[key];
      const host = typeof value === "string" ? registryHostOf(value) : undefined;
      if (host !== undefined) hosts.add(host);
    }
  }
  return hosts;
}

/** A docker config giving `token` as the password for each of `hosts`. */
export function tokenCredentials(
  hosts: Iterable<string>,
  token: string,
): { auths: Record<string, { username: string; password: string }> } {
  const auths: Record<string, { username: string; password: string }> = {};
  for (const host of hosts) auths[host] = { username: TOKEN_USER_NAME, password: token };
  return { auths };
}

/**
 * For a refused read (`message` of an UNAUTHORIZED or DENIED registry error) of an image in the
 * integrated registry: which permission the operator needs, on which stream, and how to grant it.
 * `undefined` when the message names no image of `hosts` among `pullspecs`.
 */
export function missingLayersPermission(
  message: string,
  pullspecs: readonly string[],
  hosts: ReadonlySet<string>,
  hadToken: boolean,
): string | undefined {
  for (const pullspec of pullspecs) {
    if (!message.includes(pullspec)) continue;
    let ref;
    try {
      ref = parseDockerReference(pullspec);
    } catch {
      continue;
    }
    if (!hosts.has(ref.registry)) continue;
    const slash = ref.repository.indexOf("/");
    if (slash < 0) continue;
    const namespace = ref.repository.slice(0, slash);
    const stream = ref.repository.slice(slash + 1);
    const grant = `get on imagestreams/layers (group image.openshift.io) in namespace ${namespace}, resource name ${stream}`;
    return hadToken
      ? `the integrated registry authorizes pulls by ${grant}, asked of the API server with the operator's ServiceAccount token: grant it to the operator (its ClusterRole in deploy/install.yaml does; or oc policy add-role-to-user system:image-puller system:serviceaccount:<operator namespace>:<operator service account> -n ${namespace})`
      : `the integrated registry authorizes pulls by ${grant} for the token presented, and the operator has no bearer token to present (its kubeconfig authenticates otherwise): run it as its ServiceAccount`;
  }
  return undefined;
}

/** Who the operator is to the integrated registry: its hosts given by flag, and its token. */
export interface OperatorRegistryIdentity {
  /** Integrated registry hosts besides those ImageStreams name (`--integrated-registry`). */
  readonly registries: readonly string[];
  readonly token: () => Promise<string | undefined>;
}

/** Access for a controller: the identity's hosts plus those the ImageStreams of the namespace name. */
export function integratedRegistryAccess(
  identity: OperatorRegistryIdentity,
  imageStreams: { list(namespace?: string): readonly KubeObject[] },
): IntegratedRegistryAccess {
  return {
    hosts: (namespace) =>
      new Set([...identity.registries, ...imageStreamRegistryHosts(imageStreams.list(namespace))]),
    token: identity.token,
  };
}
