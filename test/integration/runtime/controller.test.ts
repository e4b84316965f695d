import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { isNotFound } from "../../../src/kube/kube-errors.js";
import type { KubeClient } from "../../../src/kube/kube-client.js";
import { CONFIG_MAPS, formatObjectKey, SECRETS, type KubeResource } from "../../../src/kube/resource.js";
import { silentLogger } from "../../../src/observability/logger.js";
import { Manager } from "../../../src/runtime/manager.js";
import { awaitChange } from "../../../src/runtime/outcome.js";
import {
  createNamespace,
  type DevCluster,
  startClusterAndClient,
  useDevCluster,
} from "../../support/dev-cluster-fixture.js";
import { eventually } from "../../support/wait-for.js";

let cluster: DevCluster;
let client: KubeClient;
useDevCluster(startClusterAndClient, (started) => ({ cluster, client } = started));

const FIELD_MANAGER = "mirror-controller";

/**
 * A small generic controller: every ConfigMap labelled `role=primary` gets a Secret and a
 * ConfigMap (`role=child`) holding a copy of its data, both controlled by it.
 */
function mirrorController(manager: Manager, ns: string, reconciled: string[]) {
  const primaries = manager.informer(CONFIG_MAPS, { namespace: ns, labelSelector: "role=primary" });
  return manager
    .controller("mirror")
    .for(CONFIG_MAPS, { namespace: ns, labelSelector: "role=primary" })
    .owns(SECRETS, { namespace: ns })
    .owns(CONFIG_MAPS, { namespace: ns, labelSelector: "role=child" })
    .withMaxConcurrentReconciles(2)
    .complete(async (key) => {
      reconciled.push(formatObjectKey(key));
      const primary = primaries.store.get(key);
      if (primary === undefined || key.namespace === undefined) return awaitChange();
      const data = (primary["data"] ?? {}) as Record<string, string>;
      const owner = {
        apiVersion: "v1",
        kind: "ConfigMap",
        name: primary.metadata.name,
        uid: primary.metadata.uid ?? "",
        controller: true,
        blockOwnerDeletion: true,
      };
      const metadata = (name: string, labels: Record<string, string> = {}) => ({
        name,
        namespace: key.namespace,
        labels,
        ownerReferences: [owner],
      });
      const stringData = Object.fromEntries(
        Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString("base64")]),
      );
      const namespace = key.namespace;
      const apply = (resource: KubeResource, name: string, body: object) =>
        client.patch(
          resource,
          { namespace, name },
          { type: "apply", fieldManager: FIELD_MANAGER, force: true, body },
        );
      await apply(SECRETS, `${key.name}-secret`, {
        metadata: metadata(`${key.name}-secret`),
        data: stringData,
      });
      await apply(CONFIG_MAPS, `${key.name}-copy`, {
        metadata: metadata(`${key.name}-copy`, { role: "child" }),
        data,
      });
      return awaitChange();
    });
}

async function secretData(ns: string, name: string): Promise<Record<string, string> | undefined> {
  try {
    const secret = await client.get(SECRETS, { namespace: ns, name });
    const data = (secret["data"] ?? {}) as Record<string, string>;
    return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, "base64").toString()]));
  } catch (err: unknown) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

describe("Controller wired by the Manager against the dev cluster", () => {
  it("reconciles every primary, follows changes, repairs deleted children, and reports it on /readyz and /metrics", async () => {
    const ns = await createNamespace(client, "mirror");
    for (let i = 0; i < 5; i++)
      await client.create(CONFIG_MAPS, {
        metadata: { name: `p${i}`, namespace: ns, labels: { role: "primary" } },
        data: { value: `v${i}` },
      });
    const registry = new Registry();
    const manager = new Manager({
      client,
      logger: silentLogger(),
      registry,
      processMetrics: false,
      watcherTuning: { backoffInitialMs: 20, backoffMaxMs: 200 },
    });
    const reconciled: string[] = [];
    mirrorController(manager, ns, reconciled);
    cluster.setFaults({ delayMs: 300 });
    await manager.start();
    const url = manager.healthUrl ?? "";
    try {
      expect((await fetch(`${url}/readyz`)).status).toBe(503);
      cluster.setFaults({});
      await eventually(async () => (await fetch(`${url}/readyz`)).status === 200, "/readyz to turn ready");

      for (let i = 0; i < 5; i++)
        await eventually(
          async () => (await secretData(ns, `p${i}-secret`))?.["value"] === `v${i}`,
          `secret of p${i}`,
        );

      await client.patch(
        CONFIG_MAPS,
        { namespace: ns, name: "p3" },
        { type: "merge", body: { data: { value: "changed" } } },
      );
      await eventually(
        async () => (await secretData(ns, "p3-secret"))?.["value"] === "changed",
        "secret of p3 to follow the change",
      );
      const copy = await client.get(CONFIG_MAPS, { namespace: ns, name: "p3-copy" });
      await eventually(
        async () =>
          (
            (await client.get(CONFIG_MAPS, { namespace: ns, name: "p3-copy" }))["data"] as Record<
              string,
              string
            >
          )["value"] === "changed",
        "copy of p3",
      );
      expect(copy.metadata.ownerReferences?.[0]?.name).toBe("p3");

      await client.delete(SECRETS, { namespace: ns, name: "p1-secret" });
      await eventually(
        async () => (await secretData(ns, "p1-secret"))?.["value"] === "v1",
        "deleted child secret to be recreated",
      );

      const metrics = await (await fetch(`${url}/metrics`)).text();
      for (const name of [
        "controller_runtime_reconcile_total",
        "controller_runtime_reconcile_errors_total",
        "controller_runtime_reconcile_time_seconds",
        "controller_runtime_max_concurrent_reconciles",
        "controller_runtime_active_workers",
        "workqueue_adds_total",
        "workqueue_depth",
        "workqueue_queue_duration_seconds",
        "workqueue_work_duration_seconds",
        "workqueue_retries_total",
        "workqueue_unfinished_work_seconds",
        "workqueue_longest_running_processor_seconds",
      ]) {
        expect(metrics, name).toContain(`${name}`);
      }
      expect(metrics).toMatch(
        /controller_runtime_reconcile_total\{controller="mirror",result="success"\} [1-9]/,
      );
      expect(new Set(reconciled)).toEqual(new Set([0, 1, 2, 3, 4].map((i) => `${ns}/p${i}`)));
    } finally {
      cluster.setFaults({});
      await manager.stop();
    }
  });

  it("retries a failing reconcile with backoff and counts the errors", async () => {
    const ns = await createNamespace(client, "retry");
    await client.create(CONFIG_MAPS, {
      metadata: { name: "flaky", namespace: ns, labels: { role: "primary" } },
    });
    const registry = new Registry();
    const manager = new Manager({
      client,
      logger: silentLogger(),
      registry,
      processMetrics: false,
      health: false,
    });
    let attempts = 0;
    const retries: number[] = [];
    manager
      .controller("flaky")
      .for(CONFIG_MAPS, { namespace: ns, labelSelector: "role=primary" })
      .withRateLimiter({ baseDelayMs: 10, maxDelayMs: 100 })
      .complete(async (_key, ctx) => {
        attempts++;
        retries.push(ctx.retries);
        if (attempts < 3) throw new Error("transient");
        return awaitChange();
      });
    await manager.start();
    try {
      await eventually(() => attempts === 3, "three attempts");
      expect(retries).toEqual([0, 1, 2]);
      const metrics = await registry.metrics();
      expect(metrics).toContain('controller_runtime_reconcile_errors_total{controller="flaky"} 2');
      expect(metrics).toContain('workqueue_retries_total{name="flaky",controller="flaky"} 2');
    } finally {
      await manager.stop();
    }
  });
});
