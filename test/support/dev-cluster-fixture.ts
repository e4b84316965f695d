/** Dev cluster fixtures shared by the integration tests: start and stop around a test file, namespaces. */
import { afterAll, beforeAll } from "vitest";
import {
  startDevCluster,
  type DevCluster,
  type DevClusterOptions,
} from "../../src/devcluster/dev-cluster.js";
import { createKubeClient, type KubeClient } from "../../src/kube/kube-client.js";
import { NAMESPACES } from "../../src/kube/resource.js";

export type { DevCluster } from "../../src/devcluster/dev-cluster.js";

/** A started dev cluster and a client for it. */
export interface ClusterAndClient {
  readonly cluster: DevCluster;
  readonly client: KubeClient;
}

/** Starts a dev cluster (with `options`) and a client for it (10 s request timeout). */
export async function startClusterAndClient(options: DevClusterOptions = {}): Promise<ClusterAndClient> {
  const cluster = await startDevCluster(options);
  return { cluster, client: createKubeClient(cluster.kubeConfig, { requestTimeoutMs: 10_000 }) };
}

/**
 * Registers the calling test file's hooks: `start` runs before its tests and hands what it started
 * to `onStarted` (a promise it returns is awaited, for further setup); the cluster is stopped after them.
 */
export function useDevCluster<T extends { readonly cluster: DevCluster }>(
  start: () => Promise<T>,
  onStarted: (started: T) => unknown,
): void {
  let started: T | undefined;
  beforeAll(async () => {
    started = await start();
    await onStarted(started);
  });
  afterAll(async () => {
    await started?.cluster.stop();
  });
}

/** Creates a namespace with a unique name starting with `prefix`. */
export async function createNamespace(client: KubeClient, prefix: string): Promise<string> {
  const name = `${prefix}-${Math.random().toString(36).slice(2, 8)}`;
  await client.create(NAMESPACES, { metadata: { name } });
  return name;
}
