/** Helpers of the build system integration tests: cluster + registry + build system, polling, skopeo. */
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { startDevCluster, type DevCluster } from "../../../src/devcluster/dev-cluster.js";
import { buildSystemAddon, type BuildSystemAddon } from "../../../src/devcluster/builds/index.js";
import type { SimulationProfile } from "../../../src/devcluster/builds/index.js";
import { startRegistryServer } from "../../../src/devcluster/registry/index.js";
import { createKubeClient, type KubeClient } from "../../../src/kube/kube-client.js";
import { NAMESPACES } from "../../../src/kube/resource.js";

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
  const cluster = await startDevCluster({ addons: [builds] });
  const client = createKubeClient(cluster.kubeConfig, { requestTimeoutMs: 10_000 });
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

/** Creates a namespace with a unique name. */
export async function createNamespace(client: KubeClient, prefix: string): Promise<string> {
  const name = `${prefix}-${Math.random().toString(36).slice(2, 8)}`;
  await client.create(NAMESPACES, { metadata: { name } });
  return name;
}

/** Polls `probe` until it returns a value other than undefined, or throws naming `what` after `timeoutMs`. */
export async function waitFor<T>(
  probe: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** `skopeo inspect --tls-verify=false docker://<pullspec>` parsed (labels and layers). */
export async function skopeoInspect(
  pullspec: string,
): Promise<{ Labels: Record<string, string> | null; Layers: string[]; Digest: string }> {
  const { stdout } = await run("skopeo", ["inspect", "--tls-verify=false", `docker://${pullspec}`]);
  return JSON.parse(stdout) as { Labels: Record<string, string> | null; Layers: string[]; Digest: string };
}
