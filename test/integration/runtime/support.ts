/** Helpers shared by the runtime integration tests (dev cluster, kube client, polling). */
import { startDevCluster } from "../../../src/devcluster/dev-cluster.js";
import { createKubeClient, type KubeClient } from "../../../src/kube/kube-client.js";
import { NAMESPACES } from "../../../src/kube/resource.js";

/** The running dev cluster, as `startDevCluster` returns it. */
export type DevCluster = Awaited<ReturnType<typeof startDevCluster>>;

/** Starts a dev cluster and a client for it. */
export async function startClusterAndClient(): Promise<{ cluster: DevCluster; client: KubeClient }> {
  const cluster = await startDevCluster();
  return { cluster, client: createKubeClient(cluster.kubeConfig, { requestTimeoutMs: 10_000 }) };
}

/** Creates a namespace with a unique name. */
export async function createNamespace(client: KubeClient, prefix: string): Promise<string> {
  const name = `${prefix}-${Math.random().toString(36).slice(2, 8)}`;
  await client.create(NAMESPACES, { metadata: { name } });
  return name;
}

/** Polls `condition` until it holds or `timeoutMs` passes (then throws naming `what`). */
export async function eventually(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
