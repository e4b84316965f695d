/**
 * Helpers of the build system integration tests: cluster + registry + build system, skopeo. Polling and
 * namespaces come from `test/support/`.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { DevCluster } from "../../../src/devcluster/dev-cluster.js";
import {
  BUILD_RUNS,
  buildSystemAddon,
  IMAGE_STREAMS,
  type BuildRunObject,
  type BuildSystemAddon,
  type ImageStreamObject,
} from "../../../src/devcluster/builds/index.js";
import type { SimulationProfile } from "../../../src/devcluster/builds/index.js";
import { startRegistryServer } from "../../../src/devcluster/registry/index.js";
import type { KubeClient } from "../../../src/kube/kube-client.js";
import { startClusterAndClient } from "../../support/dev-cluster-fixture.js";
import { waitFor } from "../../support/wait-for.js";

const run = promisify(execFile);

/** Everything a test needs. */
export interface BuildsHarness {
  readonly cluster: DevCluster;
  readonly client: KubeClient;
  readonly registryHost: string;
  readonly builds: BuildSystemAddon;
  stop(): Promise<void>;
}

/** Starts the integrated registry, then the dev cluster with the build system addon. */
export async function startBuildsHarness(
  profile: SimulationProfile,
  speed: number,
  extra: { readonly buildah?: boolean } = {},
): Promise<BuildsHarness> {
  const dir = await mkdtemp(join(tmpdir(), "builds-test-registry-"));
  const registry = await startRegistryServer({ dir });
  const builds = buildSystemAddon({ registry, profile, speed, ...extra });
  const { cluster, client } = await startClusterAndClient({ addons: [builds] });
  return {
    cluster,
    client,
    registryHost: registry.host,
    builds,
    stop: async () => {
      await cluster.stop();
      await registry.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** `skopeo inspect --tls-verify=false docker://<pullspec>` parsed (labels and layers). */
export async function skopeoInspect(
  pullspec: string,
): Promise<{ Labels: Record<string, string> | null; Layers: string[]; Digest: string }> {
  const { stdout } = await run("skopeo", ["inspect", "--tls-verify=false", `docker://${pullspec}`]);
  return JSON.parse(stdout) as { Labels: Record<string, string> | null; Layers: string[]; Digest: string };
}

/**
 * Creates ImageStream `namespace/name` (as the operator or a user does before a Build outputs to
 * it) and waits for its `status.dockerImageRepository`: OpenShift's build controller keeps a Build
 * in New until its output stream has one.
 */
export async function createImageStream(
  client: KubeClient,
  namespace: string,
  name: string,
): Promise<ImageStreamObject> {
  await client.create(IMAGE_STREAMS, {
    apiVersion: "image.openshift.io/v1",
    kind: "ImageStream",
    metadata: { name, namespace },
    spec: { lookupPolicy: { local: false } },
  });
  return waitFor(async () => {
    const stream = await client.get(IMAGE_STREAMS, { namespace, name });
    return (stream.status?.dockerImageRepository ?? "") === "" ? undefined : stream;
  }, `ImageStream ${namespace}/${name} to get its dockerImageRepository`);
}

/**
 * Creates BuildRun `coredns-1` in `namespace` with an embedded build of openshift/coredns on our
 * `okd-payload-buildah` strategy, pushing to `output`, and resolves once it has finished
 * (`Succeeded` no longer Unknown). Install the strategy first.
 */
export async function runCorednsBuildRun(
  client: KubeClient,
  namespace: string,
  output: string,
  paramValues?: readonly { readonly name: string; readonly value: string }[],
): Promise<BuildRunObject> {
  await client.create(BUILD_RUNS, {
    apiVersion: "shipwright.io/v1beta1",
    kind: "BuildRun",
    metadata: { name: "coredns-1", namespace },
    spec: {
      build: {
        spec: {
          source: {
            type: "Git",
            git: { url: "https://github.com/openshift/coredns", revision: "release-4.17" },
          },
          strategy: { kind: "ClusterBuildStrategy", name: "okd-payload-buildah" },
          ...(paramValues === undefined ? {} : { paramValues }),
          output: { image: output },
        },
      },
    },
  });
  return waitFor(async () => {
    const r = await client.get(BUILD_RUNS, { namespace, name: "coredns-1" });
    const succeeded = r.status?.conditions?.find((c) => c.type === "Succeeded");
    return succeeded !== undefined && succeeded.status !== "Unknown" ? r : undefined;
  }, "BuildRun coredns-1 to finish");
}
