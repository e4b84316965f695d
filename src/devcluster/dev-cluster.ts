/**
 * `startDevCluster`: an in-process Kubernetes API server for tests and local runs, on 127.0.0.1,
 * with a kubeconfig for kubectl and client-node.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { KubeConfig } from "@kubernetes/client-node";
import { ApiCore } from "./api-core.js";
import { AuditLog } from "./audit-log.js";
import { builtInResources } from "./builtin-resources.js";
import { CelValidator } from "./cel-validator.js";
import { readCrdFiles } from "./crd-files.js";
import { definitionsFromCrd } from "./crd-definitions.js";
import type { FaultOptions } from "./faults.js";
import { GarbageCollector } from "./garbage-collector.js";
import { createRouter } from "./http-router.js";
import { kindStrategies } from "./kind-strategy.js";
import { kubeconfigYaml } from "./kubeconfig.js";
import { startLifecycleControllers } from "./lifecycle-controllers.js";
import { ObjectStore } from "./object-store.js";
import { readOpenShiftCrds } from "./openshift-crds.js";
import { loadSnapshot, SnapshotWriter } from "./persistence.js";
import { storageKeyOf, type ResourceDefinition } from "./resource-definition.js";
import { ResourceRegistry } from "./resource-registry.js";
import { SchemaValidator } from "./schema-validator.js";
import type { KubeObject } from "./types.js";

export type { FaultOptions } from "./faults.js";
export type { AuditEntry } from "./audit-log.js";
export { AuditLog } from "./audit-log.js";

/** Options of {@link startDevCluster}. */
export interface DevClusterOptions {
  /** Port on 127.0.0.1; default random. */
  port?: number;
  /**
   * CRD YAML directories/files loaded at start; default the repository's `crds/`. The OpenShift and
   * Shipwright CRDs of `test/control-plane/crds/` are always loaded (see openshift-crds.ts).
   */
  crdDirs?: string[];
  /** Persist objects in this directory; absent = in memory only. */
  dataDir?: string;
  /** Faults to inject (off by default); changeable later with `setFaults`. */
  faults?: FaultOptions;
  /** Watch events retained for resume before 410 Gone (default 50,000). */
  historyLimit?: number;
  /** Approximate serialised size of the retained watch history (default 256 MiB); older events are dropped first. */
  historyBytesLimit?: number;
  /** Audit entries retained, newest kept (default 100,000); older ones are dropped. */
  auditLimit?: number;
  /** Started after the API server is up, stopped in reverse order before it. */
  addons?: DevClusterAddon[];
  /** Where to write the kubeconfig; default a file in a fresh temporary directory. */
  kubeconfigPath?: string;
  /** Interval between watch bookmarks for clients that allow them (default 10 s). */
  bookmarkIntervalMs?: number;
}

/** A component started with the cluster that acts as a client of its API. */
export type DevClusterAddon = (ctx: {
  url: string;
  kubeconfigPath: string;
  kubeConfig: KubeConfig;
}) => Promise<{ stop(): Promise<void> }>;

/** A running dev cluster. */
export interface DevCluster {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** A kubeconfig file pointing at `url` (current context namespace `default`). */
  kubeconfigPath: string;
  /** The same configuration, loaded for client-node. */
  kubeConfig: KubeConfig;
  /**
   * Every request: verb, resource, subresource, namespace, name, user agent, status code; the most
   * recent `auditLimit` (default 100,000) are kept.
   */
  audit: AuditLog;
  /** Replaces the fault settings. */
  setFaults(f: FaultOptions): void;
  /** Drops the watch history: resuming from any earlier resourceVersion now gets 410 Gone. */
  compactHistory(): void;
  /** Ends every open watch stream now (clients see the stream end and reconnect). */
  closeWatches(): void;
  /** Stops addons (reverse order), closes watches and the server, saves data when persisting. */
  stop(): Promise<void>;
}

const DEFAULT_CRD_DIR = fileURLToPath(new URL("../../crds/", import.meta.url));

function listen(server: Server, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

/** Starts a dev cluster. */
export async function startDevCluster(options: DevClusterOptions = {}): Promise<DevCluster> {
  const now = (): Date => new Date();
  const registry = new ResourceRegistry();
  registry.register(builtInResources());
  const store = new ObjectStore(options.historyLimit ?? 50_000, options.historyBytesLimit);
  const namespaces = (): ResourceDefinition => {
    const d = registry.lookup("", "v1", "namespaces");
    if (d === undefined) throw new Error("namespaces are not registered");
    return d;
  };
  const core = new ApiCore({
    store,
    schemas: new SchemaValidator(),
    cel: new CelValidator(),
    now,
    namespaces,
    strategies: kindStrategies(),
  });
  const gc = new GarbageCollector(core, store, registry);
  const lifecycle = startLifecycleControllers(core, store, registry, now);
  const crdDef = registry.lookup("apiextensions.k8s.io", "v1", "customresourcedefinitions");
  if (crdDef === undefined) throw new Error("customresourcedefinitions are not registered");

  const snapshots = options.dataDir === undefined ? undefined : new SnapshotWriter(options.dataDir, store);
  core.onChange(() => snapshots?.changed());
  if (options.dataDir !== undefined) {
    await loadSnapshot(options.dataDir, store);
    for (const crd of store.list(storageKeyOf(crdDef))) registry.register(definitionsFromCrd(crd));
  }
  for (const name of ["default", "kube-system", "kube-public"])
    if (core.find(namespaces(), undefined, name) === undefined)
      core.create(namespaces(), undefined, { metadata: { name } }, { fieldManager: "dev-cluster" });
  const crdFiles = [
    ...(await readOpenShiftCrds()),
    ...(await readCrdFiles(options.crdDirs ?? [DEFAULT_CRD_DIR])),
  ];
  for (const crd of crdFiles) {
    const meta = crd["metadata"] as KubeObject["metadata"] | undefined;
    const name = meta?.name ?? "";
    const existing = core.find(crdDef, undefined, name);
    if (existing === undefined) core.create(crdDef, undefined, crd, { fieldManager: "dev-cluster" });
    else
      core.update(crdDef, undefined, name, { ...crd, metadata: { ...existing.metadata } }, undefined, {
        fieldManager: "dev-cluster",
      });
  }

  let faults: FaultOptions = options.faults ?? {};
  let address = "127.0.0.1:0";
  const audit = new AuditLog(options.auditLimit);
  const routerWithAudit = createRouter({
    core,
    store,
    registry,
    audit,
    faults: () => faults,
    now,
    serverAddress: () => address,
    bookmarkIntervalMs: options.bookmarkIntervalMs ?? 10_000,
    afterWrite: () => undefined,
  });
  // client-node 2.0.1 makes a new undici Agent per request (skipTLSVerify), so every request
  // leaves an idle socket open on both ends for as long as the keep-alive hint allows (undici keeps
  // a socket for hint - 2 s). Measured: a 3 s hint holds ~1,200 descriptors at 600 requests/s, a
  // 60 s hint runs out of them; a 1 s hint makes undici close after each response (fetch and
  // kubectl lose connection reuse, ~1.8x slower for them, client-node is unaffected).
  const server = createServer({ keepAliveTimeout: 1_000, requestTimeout: 0 }, (req, res) =>
    routerWithAudit.handle(req, res),
  );
  const info = await listen(server, options.port ?? 0);
  address = `127.0.0.1:${info.port}`;
  const url = `http://${address}`;

  let tempDir: string | undefined;
  let kubeconfigPath = options.kubeconfigPath;
  if (kubeconfigPath === undefined) {
    tempDir = await mkdtemp(join(tmpdir(), "payload-dev-cluster-"));
    kubeconfigPath = join(tempDir, "kubeconfig");
  }
  const yaml = kubeconfigYaml(url);
  await writeFile(kubeconfigPath, yaml, { mode: 0o600 });
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromString(yaml);

  const started: { stop(): Promise<void> }[] = [];
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    for (const addon of [...started].reverse()) await addon.stop();
    routerWithAudit.closeWatches();
    gc.stop();
    lifecycle.stop();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    await snapshots?.flush();
    if (tempDir !== undefined) await rm(tempDir, { recursive: true, force: true });
  };
  try {
    for (const addon of options.addons ?? []) started.push(await addon({ url, kubeconfigPath, kubeConfig }));
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    url,
    kubeconfigPath,
    kubeConfig,
    audit,
    setFaults: (f) => {
      faults = f;
    },
    compactHistory: () => store.compact(),
    closeWatches: () => routerWithAudit.closeWatches(),
    stop,
  };
}
