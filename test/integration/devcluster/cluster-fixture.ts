/** Shared helpers of the dev cluster integration tests. */
import { randomBytes } from "node:crypto";
import { ApiException, CoreV1Api } from "@kubernetes/client-node";
import {
  startDevCluster,
  type DevCluster,
  type DevClusterOptions,
} from "../../../src/devcluster/dev-cluster.js";

/** A started cluster plus a CoreV1Api client. */
export interface ClusterFixture {
  cluster: DevCluster;
  core: CoreV1Api;
  /** Creates a fresh namespace and returns its name. */
  namespace(prefix?: string): Promise<string>;
}

/** Starts a cluster for one test file. */
export async function startFixture(options: DevClusterOptions = {}): Promise<ClusterFixture> {
  const cluster = await startDevCluster(options);
  const core = cluster.kubeConfig.makeApiClient(CoreV1Api);
  return {
    cluster,
    core,
    namespace: async (prefix = "t") => {
      const name = `${prefix}-${randomBytes(4).toString("hex")}`;
      await core.createNamespace({ body: { metadata: { name } } });
      return name;
    },
  };
}

/** Runs `fn` expecting an ApiException; returns its code and parsed Status body. */
export async function apiError(
  fn: () => Promise<unknown>,
): Promise<{ code: number; body: Record<string, unknown>; headers: Record<string, string> }> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof ApiException) {
      const raw: unknown = e.body;
      const body = (typeof raw === "string" ? JSON.parse(raw) : raw) as Record<string, unknown>;
      return { code: e.code, body, headers: e.headers as Record<string, string> };
    }
    throw e;
  }
  throw new Error("expected the call to fail with an API error");
}
