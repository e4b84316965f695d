/**
 * The operator's web UI, wired: the manager's shared informers as the source, a release content
 * cache reading release images with the operator's registry options (and a stream's push Secret,
 * once per release), a commit log listing the changelog's commits over git smart HTTP (with the
 * `source.git.secret` a PayloadBuild names for a repository), and the server on `--web-addr`. Started by `startOperator` only when that flag
 * is given, before the manager starts (a port that cannot be listened on stops the operator at once).
 */
import type { Logger } from "pino";
import type { KubeClient } from "../kube/kube-client.js";
import { SECRETS } from "../kube/resource.js";
import { readDockerConfigSecret } from "../payload-build/release-assembler.js";
import type { RegistryOptions } from "../registry/image-store.js";
import type { Manager } from "../runtime/manager.js";
import { createCommitLog } from "./commit-log.js";
import { payloadBuildGitCredentials } from "./git-credentials.js";
import { cachedReleaseContentReader } from "./release-content.js";
import { startWebServer, type WebServer } from "./web-server.js";
import { webSourceFromManager } from "./web-source.js";

/** Options of {@link startOperatorWeb}. */
export interface OperatorWebOptions {
  readonly manager: Manager;
  readonly client: KubeClient;
  readonly address: { readonly host: string; readonly port: number };
  /** Watch scope of the controllers (the UI shows what they see). */
  readonly namespace?: string;
  readonly registryOptions: RegistryOptions;
  /** Hosts the changelog may fetch commits from (`--web-git-hosts`); undefined: any, empty: none. */
  readonly gitHosts?: readonly string[];
  readonly logger: Logger;
}

/** Starts the UI on the controllers' informers; resolves once it listens. */
export async function startOperatorWeb(options: OperatorWebOptions): Promise<WebServer> {
  const scope = options.namespace === undefined ? {} : { namespace: options.namespace };
  const source = webSourceFromManager(options.manager, scope);
  const commitLog = createCommitLog({
    ...(options.gitHosts === undefined ? {} : { allowedHosts: options.gitHosts }),
    credentialsFor: payloadBuildGitCredentials(
      () => source.payloadBuilds(),
      (ref) => options.client.get(SECRETS, ref),
    ),
  });
  const server = await startWebServer({
    host: options.address.host,
    port: options.address.port,
    source,
    commitLog,
    readRelease: cachedReleaseContentReader({
      registryOptions: options.registryOptions,
      dockerConfigOf: (namespace, secret) => readDockerConfigSecret(options.client, namespace, secret),
    }),
    logger: options.logger.child({ component: "web" }),
  }).catch((error: unknown) => {
    const { host, port } = options.address;
    throw new Error(
      `--web-addr ${host}:${port}: cannot serve the web UI there: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  });
  options.logger.info({ url: server.url }, "serving the web UI (read-only)");
  return server;
}
