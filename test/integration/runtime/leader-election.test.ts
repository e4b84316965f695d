import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import type { KubeClient } from "../../../src/kube/kube-client.js";
import { CONFIG_MAPS, LEASES } from "../../../src/kube/resource.js";
import { silentLogger } from "../../../src/observability/logger.js";
import { Manager } from "../../../src/runtime/manager.js";
import { awaitChange } from "../../../src/runtime/outcome.js";
import { createNamespace, startClusterAndClient, useDevCluster } from "../../support/dev-cluster-fixture.js";
import { eventually } from "../../support/wait-for.js";

let client: KubeClient;
useDevCluster(startClusterAndClient, (started) => (client = started.client));

const TIMINGS = { leaseDurationMs: 2000, renewDeadlineMs: 1200, retryPeriodMs: 150 };

function candidate(
  ns: string,
  identity: string,
  reconciledBy: string[],
  onLost: () => void = () => undefined,
) {
  const registry = new Registry();
  const manager = new Manager({
    client,
    logger: silentLogger(),
    registry,
    processMetrics: false,
    health: false,
    leaderElection: { namespace: ns, name: "runtime-test-lock", identity, ...TIMINGS },
    onLeadershipLost: onLost,
  });
  manager
    .controller("leader-test")
    .for(CONFIG_MAPS, { namespace: ns })
    .complete(async () => {
      reconciledBy.push(identity);
      return awaitChange();
    });
  return { manager, registry };
}

async function holder(ns: string): Promise<unknown> {
  const lease = await client.get(LEASES, { namespace: ns, name: "runtime-test-lock" });
  return (lease["spec"] as { holderIdentity?: unknown } | undefined)?.holderIdentity;
}

describe("leader election between managers on the dev cluster", () => {
  it("runs controllers only in the leader; the other takes over when the leader stops", async () => {
    const ns = await createNamespace(client, "leader");
    await client.create(CONFIG_MAPS, { metadata: { name: "one", namespace: ns } });
    const reconciledBy: string[] = [];
    const a = candidate(ns, "a", reconciledBy);
    const b = candidate(ns, "b", reconciledBy);
    await a.manager.start();
    expect(await a.manager.leading).toBe(true);
    await b.manager.start();
    try {
      await eventually(() => reconciledBy.includes("a"), "the leader to reconcile");
      expect(await holder(ns)).toBe("a");
      expect(b.manager.isLeader).toBe(false);
      expect(await a.registry.metrics()).toContain(
        'leader_election_master_status{name="runtime-test-lock"} 1',
      );
      expect(await b.registry.metrics()).toContain(
        'leader_election_master_status{name="runtime-test-lock"} 0',
      );

      await a.manager.stop(); // releases the lease
      expect(await b.manager.leading).toBe(true);
      expect(await holder(ns)).toBe("b");
      await eventually(() => reconciledBy.includes("b"), "the new leader to reconcile");
      await client.create(CONFIG_MAPS, { metadata: { name: "two", namespace: ns } });
      const before = reconciledBy.filter((x) => x === "a").length;
      await eventually(
        () => reconciledBy.filter((x) => x === "b").length >= 2,
        "the new leader to reconcile the new object",
      );
      expect(reconciledBy.filter((x) => x === "a").length).toBe(before);
    } finally {
      await a.manager.stop();
      await b.manager.stop();
    }
  });

  it("steps down and signals the loss when another holder takes the lease", async () => {
    const ns = await createNamespace(client, "leader-loss");
    let lost = 0;
    const a = candidate(ns, "a", [], () => lost++);
    await a.manager.start();
    try {
      expect(await a.manager.leading).toBe(true);
      const lease = await client.get(LEASES, { namespace: ns, name: "runtime-test-lock" });
      const spec = {
        ...(lease["spec"] as object),
        holderIdentity: "intruder",
        leaseDurationSeconds: 3600,
        renewTime: new Date().toISOString().replace("Z", "000Z"),
      };
      await client.replace(LEASES, { ...lease, spec });
      await eventually(() => lost === 1, "the loss to be signalled", 5000);
      expect(a.manager.isLeader).toBe(false);
      expect(await a.registry.metrics()).toContain(
        'leader_election_master_status{name="runtime-test-lock"} 0',
      );
      expect(await holder(ns)).toBe("intruder");
    } finally {
      await a.manager.stop();
    }
  });
});
