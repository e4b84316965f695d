/**
 * Where `payloadctl plan --explain-rebuilds` finds, on a cluster, what the operator looks up there:
 * the PayloadBuild's ImageStream (`spec.imageStream` in its namespace), whose registry repository
 * (`status.dockerImageRepository`) holds the `<component>-<key>` records and whose spec tags carry
 * the key annotation of the image each tag names now; the `source.git.secret` Secrets; and, for
 * the integrated registry, the kubeconfig user's bearer token (as the operator reads it with its
 * ServiceAccount's). Read only: nothing is written.
 */
import type { KubeConfig } from "@kubernetes/client-node";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import type { PayloadBuild } from "../api/index.js";
import { IMAGE_STREAMS } from "../builds/build-resources.js";
import type { ImageStream } from "../builds/image-stream-schema.js";
import { bearerTokenSource } from "../kube/bearer-token.js";
import { createKubeClient, type KubeClient } from "../kube/kube-client.js";
import { KubeApiError, isNotFound } from "../kube/kube-errors.js";
import { loadKubeConfig, namespaceOf } from "../main.js";
import { COMPONENT_KEY_ANNOTATION } from "../payload-build/build-records.js";
import { imageStreamRegistryHosts, tokenCredentials } from "../payload-build/integrated-registry.js";
import { REUSED_FROM_ANNOTATION } from "../payload-build/keyed-plan.js";
import { CliError } from "./cli-io.js";

/** The cluster flags (`--kubeconfig`, `--context`, `-n`), as kubectl takes them. */
export interface ClusterFlags {
  readonly kubeconfig?: string | undefined;
  readonly context?: string | undefined;
  readonly namespace?: string | undefined;
}

/** What an ImageStream tag says of the image it names now. */
export interface StreamTagRecord {
  readonly key: string;
  readonly reusedFrom?: string | undefined;
}

/** What the cluster holds for one PayloadBuild's rebuild plan. */
export interface ClusterRecords {
  readonly client: KubeClient;
  readonly context: string;
  readonly namespace: string;
  readonly imageStream: string;
  /** `docker://<status.dockerImageRepository>`; undefined while the ImageStream (or its repository) does not exist. */
  readonly repository: string | undefined;
  /** Component tag -> the key annotation of its image (tags without one left out). */
  readonly tags: ReadonlyMap<string, StreamTagRecord>;
  /** Credentials for the integrated registry's hosts (the user's bearer token), when there is a token. */
  readonly registryAuths: ReturnType<typeof tokenCredentials> | undefined;
}

/** The kubeconfig with `--context` selected; throws a CliError naming what is wrong. */
export function clusterConfig(
  flags: ClusterFlags,
  env: Readonly<Record<string, string | undefined>> = process.env,
): KubeConfig {
  // Without any kubeconfig the client library falls back to http://localhost:8080: say what is missing instead.
  const home = env["HOME"] ?? homedir();
  if (
    flags.kubeconfig === undefined &&
    (env["KUBECONFIG"] ?? "") === "" &&
    env["KUBERNETES_SERVICE_HOST"] === undefined &&
    !existsSync(join(home, ".kube", "config"))
  )
    throw new CliError(
      `no kubeconfig: KUBECONFIG is unset and ${join(home, ".kube", "config")} does not exist; give --kubeconfig (and --context), or --records docker://REGISTRY/NAMESPACE/IMAGESTREAM to read a registry only`,
    );
  let kubeConfig: KubeConfig;
  try {
    kubeConfig = loadKubeConfig(flags.kubeconfig);
  } catch (error) {
    throw new CliError(
      `--kubeconfig ${flags.kubeconfig ?? "(default: $KUBECONFIG or ~/.kube/config)"}: cannot load it: ${(error as Error).message}`,
    );
  }
  if (flags.context !== undefined) {
    const names = kubeConfig.getContexts().map((c) => c.name);
    if (!names.includes(flags.context))
      throw new CliError(
        `--context ${flags.context}: no such context in the kubeconfig (it has: ${names.join(", ") || "none"})`,
      );
    kubeConfig.setCurrentContext(flags.context);
  }
  if (kubeConfig.getCurrentCluster() === null)
    throw new CliError(
      `no cluster: the kubeconfig ${flags.kubeconfig ?? "($KUBECONFIG or ~/.kube/config)"} has no current context; give --kubeconfig/--context, or --records docker://REGISTRY/NAMESPACE/IMAGESTREAM to read a registry only`,
    );
  return kubeConfig;
}

/** Reads what the cluster records for `payloadBuild` (see the module documentation). */
export async function readClusterRecords(
  flags: ClusterFlags,
  payloadBuild: PayloadBuild,
): Promise<ClusterRecords> {
  const kubeConfig = clusterConfig(flags);
  const namespace = flags.namespace ?? payloadBuild.metadata.namespace ?? namespaceOf(kubeConfig, undefined);
  const client = createKubeClient(kubeConfig, { requestTimeoutMs: 15_000 });
  const name = payloadBuild.spec.imageStream;
  const context = kubeConfig.getCurrentContext();
  let stream: ImageStream | undefined;
  try {
    stream = await client.get(IMAGE_STREAMS, { namespace, name });
  } catch (error) {
    if (!isNotFound(error)) throw clusterError(error, `ImageStream ${namespace}/${name}`, kubeConfig);
    stream = undefined;
  }
  const repository = stream?.status?.dockerImageRepository;
  const tags = new Map<string, StreamTagRecord>();
  for (const tag of stream?.spec?.tags ?? []) {
    const key = tag.annotations?.[COMPONENT_KEY_ANNOTATION];
    if (key === undefined) continue;
    tags.set(tag.name, { key, reusedFrom: tag.annotations?.[REUSED_FROM_ANNOTATION] });
  }
  const hosts = stream === undefined ? new Set<string>() : imageStreamRegistryHosts([stream]);
  const token = hosts.size === 0 ? undefined : await bearerTokenSource(kubeConfig)();
  return {
    client,
    context,
    namespace,
    imageStream: name,
    repository: repository === undefined || repository === "" ? undefined : `docker://${repository}`,
    tags,
    registryAuths: token === undefined ? undefined : tokenCredentials(hosts, token),
  };
}

/** A CliError for a failed read of `what`: the cluster unreachable, or the user not allowed. */
export function clusterError(error: unknown, what: string, kubeConfig: KubeConfig): Error {
  if (!(error instanceof KubeApiError)) return error instanceof Error ? error : new Error(String(error));
  const server = kubeConfig.getCurrentCluster()?.server ?? "(no server)";
  if (error.code === 0)
    return new CliError(
      `cannot reach the cluster at ${server} (context ${kubeConfig.getCurrentContext()}): ${error.message}`,
    );
  if (error.code === 401 || error.code === 403)
    return new CliError(
      `reading ${what} was refused (HTTP ${error.code}) for the kubeconfig's user on ${server}: it needs get on imagestreams (image.openshift.io) and secrets in that namespace: ${error.message}`,
    );
  return new CliError(`reading ${what} from ${server}: ${error.message}`);
}
