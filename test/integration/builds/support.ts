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
import { buildSystemAddon, type BuildSystemAddon } from "../../../src/devcluster/builds/index.js";
import type { SimulationProfile } from "../../../src/devcluster/builds/index.js";
import { startRegistryServer } from "../../../src/devcluster/registry/index.js";
import type { KubeClient } from "../../../src/kube/kube-client.js";
import { startClusterAndClient } from "../../support/dev-cluster-fixture.js";

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
