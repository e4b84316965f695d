/**
 * The sources `payloadctl plan --explain-rebuilds` reads, from its flags: with `--records`, that
 * registry repository only; otherwise the cluster (`--kubeconfig`, `--context`, `-n`), which names
 * the component repository through the PayloadBuild's ImageStream, holds the `source.git.secret`
 * Secrets and authorizes the integrated registry with the user's token, as it does for the operator.
 * Git credentials of the CLI's own (`GIT_USERNAME`/`GIT_PASSWORD`, netrc) serve components whose
 * Secret gives none: every component with `--records`, those whose Secret cannot be read otherwise.
 */
import type { PayloadBuild } from "../api/index.js";
import type { ComponentGraph } from "../payload-build/component-graph.js";
import { readGitSecrets } from "../payload-build/git-credentials.js";
import { resolveComponents } from "../payload-build/resolve-component.js";
import { ImageStores, isRegistryError } from "../registry/image-store.js";
import { registryOptionsFromFlags, type RegistryCliOptions } from "./assemble-command.js";
import { CliError } from "./cli-io.js";
import { readClusterRecords, type ClusterFlags } from "./cluster-records.js";
import { explainRebuilds, type RebuildExplanation } from "./explain-rebuilds.js";
import { readCliGitCredentials } from "./git-cli-credentials.js";

/** The flags of `plan --explain-rebuilds`. */
export interface ExplainRebuildsFlags extends ClusterFlags, RegistryCliOptions {
  readonly records?: string | undefined;
  readonly gitNetrc?: string | undefined;
}

/** Reads the sources the flags name and explains (see the module documentation). */
export async function explainRebuildsFromFlags(
  payloadBuild: PayloadBuild,
  graph: ComponentGraph,
  flags: ExplainRebuildsFlags,
  env: Readonly<Record<string, string | undefined>>,
): Promise<RebuildExplanation> {
  const git = await readCliGitCredentials(env, flags.gitNetrc);
  const registryOptions = await registryOptionsFromFlags(flags);
  const fallbackHint = `payloadctl takes credentials from GIT_USERNAME/GIT_PASSWORD or --git-netrc${git.origin === undefined ? "" : `; used ${git.origin}`}`;
  if (flags.records !== undefined) {
    if (flags.kubeconfig !== undefined || flags.context !== undefined || flags.namespace !== undefined)
      throw new CliError(
        "--records reads a registry only; leave it out to read the records the cluster names (--kubeconfig, --context, -n)",
      );
    const stores = new ImageStores(registryOptions);
    return explainRebuilds(payloadBuild, graph, {
      recordsFrom: flags.records,
      repository: flags.records,
      open: (reference) => stores.open(reference),
      secrets: new Map(),
      fallbackCredentials: (c) =>
        c.spec.source?.git === undefined ? undefined : git.forUrl(c.spec.source.git.uri),
      credentialsHint: `source.git.secret is read from the cluster without --records; ${fallbackHint}`,
    });
  }
  const cluster = await readClusterRecords(flags, payloadBuild);
  const components = resolveComponents(payloadBuild.spec);
  const secrets = await readGitSecrets(cluster.client, cluster.namespace, components);
  const stores = new ImageStores({
    ...registryOptions,
    ...mergedAuths(registryOptions.dockerConfigJson, cluster.registryAuths),
  });
  const where = `context ${cluster.context}, ImageStream ${cluster.namespace}/${cluster.imageStream}`;
  const explaining = explainRebuilds(payloadBuild, graph, {
    recordsFrom:
      cluster.repository === undefined
        ? `${where}, which does not exist yet or has no registry repository: nothing recorded`
        : `${where}: ${cluster.repository}`,
    repository: cluster.repository,
    open: (reference) => stores.open(reference),
    secrets,
    // The operator has no other credentials: only a component whose Secret the CLI's user cannot read gets these.
    fallbackCredentials: (c) => {
      const secret = c.spec.source?.git?.secret?.name;
      const uri = c.spec.source?.git?.uri;
      return secret === undefined || uri === undefined || !(secrets.get(secret) instanceof Error)
        ? undefined
        : git.forUrl(uri);
    },
    credentialsHint: `a private repository needs source.git.secret naming a kubernetes.io/basic-auth Secret in ${cluster.namespace}, as the operator reads it`,
    streamTags: cluster.tags,
  });
  return explaining.catch((error: unknown) => {
    if (!isRegistryError(error, "UNAUTHORIZED", "DENIED") || cluster.repository === undefined) throw error;
    throw new CliError(
      `reading the records in ${cluster.repository} was refused: ${error.message}; ${
        cluster.registryAuths === undefined
          ? "the kubeconfig's user has no bearer token to present (a client certificate?): give --authfile with credentials for that registry"
          : "the kubeconfig's user needs get on imagestreams/layers (image.openshift.io) in that namespace, or give --authfile"
      }`,
    );
  });
}

/** The authfile's credentials with the cluster's token added for the integrated registry's hosts it has none for. */
function mergedAuths(
  dockerConfigJson: unknown,
  token: { auths: Record<string, { username: string; password: string }> } | undefined,
): { dockerConfigJson?: unknown } {
  if (token === undefined) return dockerConfigJson === undefined ? {} : { dockerConfigJson };
  let parsed: { auths?: Record<string, unknown> } = {};
  if (typeof dockerConfigJson === "string") {
    try {
      parsed = JSON.parse(dockerConfigJson) as { auths?: Record<string, unknown> };
    } catch (error) {
      throw new CliError(`--authfile: not valid JSON (${(error as Error).message})`);
    }
  }
  return { dockerConfigJson: { ...parsed, auths: { ...token.auths, ...(parsed.auths ?? {}) } } };
}
