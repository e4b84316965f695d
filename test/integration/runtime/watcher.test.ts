import { describe, expect, it } from "vitest";
import type { KubeClient } from "../../../src/kube/kube-client.js";
import type { KubeObject } from "../../../src/kube/kube-object.js";
import { CONFIG_MAPS } from "../../../src/kube/resource.js";
import { silentLogger } from "../../../src/observability/logger.js";
import { systemClock } from "../../../src/runtime/clock.js";
import { StoreWriter } from "../../../src/runtime/store.js";
import { Watcher } from "../../../src/runtime/watcher.js";
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

function startWatcher(namespace: string, extra: { labelSelector?: string; timeoutSeconds?: number } = {}) {
  const store = new StoreWriter<KubeObject>();
  const watcher = new Watcher({
    client,
    resource: CONFIG_MAPS,
    store,
    clock: systemClock,
    logger: silentLogger(),
    namespace,
    backoffInitialMs: 20,
    backoffMaxMs: 200,
    resyncIntervalMs: 0,
    ...extra,
  });
  watcher.start();
  return { store, watcher };
}

/** name -> resourceVersion, from the server or from a store. */
async function serverView(namespace: string, labelSelector?: string): Promise<Record<string, string>> {
  const list = await client.listAll(CONFIG_MAPS, {
    namespace,
    ...(labelSelector === undefined ? {} : { labelSelector }),
  });
  return Object.fromEntries(list.items.map((o) => [o.metadata.name, o.metadata.resourceVersion ?? ""]));
}
function sameView(a: Record<string, string>, b: Record<string, string>): boolean {
  const sorted = (v: Record<string, string>) =>
    JSON.stringify(Object.entries(v).sort(([x], [y]) => x.localeCompare(y)));
  return sorted(a) === sorted(b);
}
function storeView(store: StoreWriter<KubeObject>): Record<string, string> {
  return Object.fromEntries(store.list().map((o) => [o.metadata.name, o.metadata.resourceVersion ?? ""]));
}

describe("Watcher against the dev cluster", () => {
  it("keeps its store equal to the server while the server closes watch streams at random", async () => {
    const ns = await createNamespace(client, "watch-chaos");
    const { store, watcher } = startWatcher(ns);
    await store.waitForSync();
    cluster.setFaults({ watchCloseRate: 0.3 });
    try {
      let seed = 7;
      const random = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
      for (let i = 0; i < 60; i++) {
        const name = `cm-${random(8)}`;
        const op = random(3);
        try {
          if (op === 0)
            await client.create(CONFIG_MAPS, { metadata: { name, namespace: ns }, data: { i: String(i) } });
          else if (op === 1)
            await client.patch(
              CONFIG_MAPS,
              { namespace: ns, name },
              { type: "merge", body: { data: { i: String(i) } } },
            );
          else await client.delete(CONFIG_MAPS, { namespace: ns, name });
        } catch {
          // AlreadyExists / NotFound are part of the random walk.
        }
      }
      const expected = await serverView(ns);
      await eventually(() => sameView(storeView(store), expected), "store to match the server");
      expect(storeView(store)).toEqual(expected);
      // Every closed stream was resumed from its last version, never relisted.
      expect(watcher.status().watchRestarts).toBeGreaterThan(0);
      expect(watcher.status().lists).toBe(1);
    } finally {
      cluster.setFaults({});
      await watcher.stop();
    }
  });

  it("relists after 410 Gone when its resourceVersion was compacted away, and keeps watching", async () => {
    const ns = await createNamespace(client, "watch-gone");
    await client.create(CONFIG_MAPS, {
      metadata: { name: "watched", namespace: ns, labels: { watched: "yes" } },
    });
    // A short server timeout ends the stream; the selector keeps the watcher's version behind.
    const { store, watcher } = startWatcher(ns, { labelSelector: "watched=yes", timeoutSeconds: 1 });
    await store.waitForSync();
    for (let i = 0; i < 3; i++)
      await client.create(CONFIG_MAPS, { metadata: { name: `other-${i}`, namespace: ns } });
    await cluster.compactHistory();
    await eventually(() => watcher.status().lists >= 2, "a relist after 410", 15_000);
    await client.create(CONFIG_MAPS, {
      metadata: { name: "watched-2", namespace: ns, labels: { watched: "yes" } },
    });
    await eventually(
      () => store.get({ namespace: ns, name: "watched-2" }) !== undefined,
      "the new object after the relist",
    );
    expect(Object.keys(storeView(store)).sort()).toEqual(["watched", "watched-2"]);
    await watcher.stop();
  });
});
