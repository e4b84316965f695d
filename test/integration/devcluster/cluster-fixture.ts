/**
 * The fixture of the dev cluster's conformance suites: each suite (`*-suite.ts`) runs against the
 * dev cluster (`<name>.test.ts`) and against a real kube-apiserver (`<name>.real.test.ts`: etcd,
 * kube-apiserver and kube-controller-manager built from upstream, see
 * src/control-plane/control-plane.ts), with the same assertions. One server per test file.
 */
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import type { KubeConfig } from "@kubernetes/client-node";
import { ApiException, CoreV1Api } from "@kubernetes/client-node";
import { Agent, fetch, type Response } from "undici";
import { afterAll, beforeAll } from "vitest";
import {
  startDevCluster,
  type DevCluster,
  type DevClusterOptions,
} from "../../../src/devcluster/dev-cluster.js";
import { startControlPlane } from "../../../src/control-plane/control-plane.js";

/** Which API server a suite runs against. */
export type ServerKind = "dev" | "real";

/** Repository root. */
export const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** Options of {@link startFixture}; the dev-cluster-only ones are ignored by the real server. */
export interface FixtureOptions extends Pick<DevClusterOptions, "bookmarkIntervalMs"> {
  /** Load (dev) or install (real) the CRDs of `crds/`; default true. */
  readonly crds?: boolean;
}

/** A started server, an admin kubeconfig for it and a CoreV1Api client. */
export interface ClusterFixture {
  readonly server: ServerKind;
  readonly url: string;
  readonly kubeConfig: KubeConfig;
  /** An admin kubeconfig file (for kubectl). */
  readonly kubeconfigPath: string;
  readonly core: CoreV1Api;
  /** The dev cluster itself (fault injection, its audit ring buffer, history compaction); dev only. */
  readonly dev: DevCluster | undefined;
  /** Creates a fresh namespace and returns its name. */
  namespace(prefix?: string): Promise<string>;
  /**
   * A resourceVersion watches can no longer resume from, no newer than `rv`: on the dev cluster
   * `rv` itself once its history is dropped; on kube-apiserver one older than its watch cache
   * (filled when the server started), as it never evicts events this young.
   */
  expiredResourceVersion(rv: string): string;
  /** One authenticated HTTP request to `path` (for what the typed clients do not expose). */
  request(method: string, path: string, init?: { body?: string; contentType?: string }): Promise<Response>;
  stop(): Promise<void>;
}

/** A fixture on the dev cluster, for the suites that test what only the dev cluster has. */
export type DevClusterFixture = ClusterFixture & { readonly dev: DevCluster };

/** The dev cluster of `f`; throws on the real server (for the dev-only tests). */
export function devClusterOf(f: ClusterFixture): DevCluster {
  if (f.dev === undefined) throw new Error("this test needs the dev cluster");
  return f.dev;
}

function bearerToken(kubeConfig: KubeConfig): string | undefined {
  return kubeConfig.getCurrentUser()?.token;
}

function fixture<D extends DevCluster | undefined>(
  server: ServerKind,
  kubeConfig: KubeConfig,
  kubeconfigPath: string,
  dev: D,
  stop: () => Promise<void>,
): ClusterFixture & { readonly dev: D } {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const cluster = kubeConfig.getCurrentCluster();
  const url = cluster?.server ?? "";
  const ca = cluster?.caData === undefined ? undefined : Buffer.from(cluster.caData, "base64").toString();
  const dispatcher = ca === undefined ? undefined : new Agent({ connect: { ca } });
  const token = bearerToken(kubeConfig);
  return {
    server,
    url,
    kubeConfig,
    kubeconfigPath,
    core,
    dev,
    namespace: async (prefix = "t") => {
      const name = `${prefix}-${randomBytes(4).toString("hex")}`;
      await core.createNamespace({ body: { metadata: { name } } });
      return name;
    },
    expiredResourceVersion: (rv) => {
      if (dev === undefined) return "1";
      dev.compactHistory();
      return rv;
    },
    request: (method, path, init = {}) =>
      fetch(`${url}${path}`, {
        method,
        headers: {
          ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
          ...(init.contentType === undefined ? {} : { "content-type": init.contentType }),
        },
        ...(init.body === undefined ? {} : { body: init.body }),
        ...(dispatcher === undefined ? {} : { dispatcher }),
      }),
    stop: async () => {
      await dispatcher?.close();
      await stop();
    },
  };
}

/** Starts the dev cluster or a real control plane (with our CRDs and the OpenShift/Shipwright ones). */
export async function startFixture(
  server: ServerKind,
  options: FixtureOptions = {},
): Promise<ClusterFixture> {
  const crdDirs = options.crds === false ? [] : [`${ROOT}crds`];
  if (server === "dev")
    return startDevFixture({
      crdDirs,
      ...(options.bookmarkIntervalMs === undefined ? {} : { bookmarkIntervalMs: options.bookmarkIntervalMs }),
    });
  // The dev cluster always serves the OpenShift and Shipwright kinds (openshift-crds.ts).
  const plane = await startControlPlane({ crds: [`${ROOT}test/control-plane/crds`, ...crdDirs] });
  return fixture("real", plane.adminKubeConfig, plane.adminKubeconfigPath, undefined, () => plane.stop());
}

/** Starts a dev cluster with `options`. */
export async function startDevFixture(options: DevClusterOptions = {}): Promise<DevClusterFixture> {
  const cluster = await startDevCluster(options);
  return fixture("dev", cluster.kubeConfig, cluster.kubeconfigPath, cluster, () => cluster.stop());
}

/** Starts the server `server` before the calling file's tests, hands it to `onStarted`, stops it after them. */
export function useClusterFixture(
  server: ServerKind,
  onStarted: (f: ClusterFixture) => void,
  options: FixtureOptions = {},
): void {
  let started: ClusterFixture | undefined;
  beforeAll(async () => {
    started = await startFixture(server, options);
    onStarted(started);
  }, 60_000);
  afterAll(async () => {
    await started?.stop();
  });
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
