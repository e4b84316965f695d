import { describe, expect, it } from "vitest";
import type { KubeClient } from "../../../src/kube/kube-client.js";
import { CONFIG_MAPS, EVENTS } from "../../../src/kube/resource.js";
import { silentLogger } from "../../../src/observability/logger.js";
import { systemClock } from "../../../src/runtime/clock.js";
import { EventRecorder } from "../../../src/runtime/event-recorder.js";
import { createNamespace, startClusterAndClient, useDevCluster } from "../../support/dev-cluster-fixture.js";

let client: KubeClient;
useDevCluster(startClusterAndClient, (started) => (client = started.client));

/** A recorder of the test controller writing at most `qps` events a second (bursts of `burst`). */
function recorderWith(qps: number, burst: number): EventRecorder {
  return new EventRecorder({
    client,
    clock: systemClock,
    logger: silentLogger(),
    reportingController: "example.com/runtime-test",
    reportingInstance: "test-0",
    qps,
    burst,
  });
}

describe("EventRecorder against the dev cluster", () => {
  it("writes one events.k8s.io/v1 Event per distinct occurrence and counts repeats in its series", async () => {
    const ns = await createNamespace(client, "events");
    const cm = await client.create(CONFIG_MAPS, { metadata: { name: "subject", namespace: ns } });
    const recorder = recorderWith(100, 100);
    const synced = { type: "Normal", reason: "Synced", action: "Reconcile", note: "copied 3 keys" } as const;
    await recorder.record(cm, synced);
    await recorder.record(cm, synced);
    await recorder.record(cm, synced);
    await recorder.record(cm, {
      type: "Warning",
      reason: "CopyFailed",
      action: "Reconcile",
      note: "secret is immutable",
    });

    const events = (await client.listAll(EVENTS, { namespace: ns })).items;
    expect(events).toHaveLength(2);
    const syncedEvent = events.find((e) => e["reason"] === "Synced");
    expect(syncedEvent).toMatchObject({
      type: "Normal",
      note: "copied 3 keys",
      reportingController: "example.com/runtime-test",
      regarding: { kind: "ConfigMap", name: "subject", uid: cm.metadata.uid },
    });
    expect((syncedEvent?.["series"] as { count?: number } | undefined)?.count).toBe(3);
    const warning = events.find((e) => e["reason"] === "CopyFailed");
    expect(warning?.["series"]).toBeUndefined();
  });

  it("drops new events beyond its rate limit instead of flooding the API", async () => {
    const ns = await createNamespace(client, "events-limit");
    const cm = await client.create(CONFIG_MAPS, { metadata: { name: "noisy", namespace: ns } });
    const recorder = recorderWith(0.001, 3);
    for (let i = 0; i < 10; i++)
      await recorder.record(cm, { type: "Normal", reason: "Tick", action: "Reconcile", note: `tick ${i}` });
    expect((await client.listAll(EVENTS, { namespace: ns })).items).toHaveLength(3);
  });
});
