/**
 * The environment of the e2e suites whose components build from git (incremental builds,
 * explain-rebuilds, multi-arch rebuilds, the nightly stream): local repositories served over smart
 * HTTP by git http-backend, the e2e environment on `plane` (the real plane with the integrated
 * registry's access control on), the external base image `centos/centos:stream9` in its
 * docker-registry (one image, or an index of `architectures`), the operator, and a namespace.
 */
import type { OperatorProcess } from "../../src/demo/operator-process.js";
import { ImageStores } from "../../src/registry/image-store.js";
import { startGitHttpServer, type RunningGitHttpServer } from "../support/git-http-server.js";
import { GitRepos } from "../support/git-repos.js";
import { makeImage, pushImage, pushIndex } from "../support/test-images.js";
import {
  createNamespace,
  startE2eEnvironment,
  type ControlPlaneKind,
  type E2eEnvironment,
  type E2eOptions,
} from "./e2e-harness.js";

/** Options of {@link startGitSourcesEnvironment}. */
export interface GitSourcesOptions {
  readonly plane: ControlPlaneKind;
  /** A repository (branch `main`) is created for each. */
  readonly repositories: readonly string[];
  /** Prefix of the namespace created for the suite. */
  readonly namespace: string;
  /** The git server requires these credentials. */
  readonly basicAuth?: { readonly username: string; readonly password: string };
  /** The simulated builds' profile (e.g. which component is an operator). */
  readonly profile?: E2eOptions["profile"];
  /** Push the base image as an index of these architectures instead of one image. */
  readonly architectures?: readonly string[];
}

/** A running {@link startGitSourcesEnvironment}. */
export interface GitSourcesEnvironment {
  readonly env: E2eEnvironment;
  readonly operator: OperatorProcess;
  readonly git: RunningGitHttpServer;
  readonly repos: GitRepos;
  readonly ns: string;
  /** The base image's pullspec (`<registry>/centos/centos:stream9`). */
  readonly centos: string;
  /** Stops the environment and the git server, removes the repositories. */
  stop(): Promise<void>;
}

/** Starts it; see the module documentation. */
export async function startGitSourcesEnvironment(options: GitSourcesOptions): Promise<GitSourcesEnvironment> {
  const repos = await GitRepos.create();
  for (const name of options.repositories) await repos.createRepository(name);
  const git = await startGitHttpServer({
    root: repos.root,
    ...(options.basicAuth === undefined ? {} : { basicAuth: options.basicAuth }),
  });
  const env = await startE2eEnvironment({
    speed: 50,
    plane: options.plane,
    // Real plane: the integrated registry authorizes every read and push as OpenShift's does.
    ...(options.plane === "real" ? { integratedRegistryAccess: true } : {}),
    ...(options.profile === undefined ? {} : { profile: options.profile }),
  });
  const centos = `${env.dockerRegistry.host}/centos/centos:stream9`;
  const stores = new ImageStores({ insecureRegistries: [env.dockerRegistry.host] });
  if (options.architectures === undefined)
    await pushImage(stores.open(`docker://${centos}`), makeImage("docker", [64]), "stream9");
  else await pushIndex(stores.open(`docker://${centos}`), "docker", "stream9", options.architectures);
  const operator = await env.startOperator();
  const ns = await createNamespace(env.client, options.namespace);
  return {
    env,
    operator,
    git,
    repos,
    ns,
    centos,
    stop: async () => {
      await env.stop();
      await git.stop();
      await repos.remove();
    },
  };
}
