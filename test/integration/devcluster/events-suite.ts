/**
 * Events are one stored resource with two API views, core `v1` and `events.k8s.io/v1`, converted
 * field by field as the real API server does, with one resourceVersion space.
 */
import {
  EventsV1Api,
  PatchStrategy,
  setHeaderOptions,
  Watch,
  type CoreV1Event,
  type EventsV1Event,
} from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { eventually } from "../../support/wait-for.js";
import { apiError, type ClusterFixture, type ServerKind, useClusterFixture } from "./cluster-fixture.js";

/** Defines this file's tests against the server `server`. */
export function eventsSuite(server: ServerKind): void {
  let f: ClusterFixture;
  let events: EventsV1Api;
  useClusterFixture(server, (started) => {
    f = started;
    events = f.kubeConfig.makeApiClient(EventsV1Api);
  });

  const regarding = (ns: string) => ({
    apiVersion: "payload.okd.io/v1alpha1",
    kind: "PayloadBuild",
    namespace: ns,
    name: "okd-scos",
    uid: "0b6c7c8e-2f7e-4d67-9a5c-1c2d3e4f5a6b",
  });

  /**
   * An events.k8s.io/v1 Event as JSON: its MicroTimes carry six fractional digits, as kube-apiserver
   * requires (client-node's typed clients serialise a Date with three, which it refuses).
   */
  function eventsV1(ns: string, name: string): Record<string, unknown> {
    return {
      apiVersion: "events.k8s.io/v1",
      kind: "Event",
      metadata: { name, namespace: ns },
      eventTime: "2026-01-02T03:04:05.123456Z",
      reportingController: "payload.okd.io/operator",
      reportingInstance: "operator-0",
      action: "Build",
      reason: "ComponentLanded",
      type: "Normal",
      note: "component cli landed",
      regarding: regarding(ns),
      related: { kind: "Build", namespace: ns, name: "cli-1" },
      series: { count: 2, lastObservedTime: "2026-01-02T03:05:00.000000Z" },
    };
  }

  async function createEventsV1(ns: string, body: Record<string, unknown>): Promise<EventsV1Event> {
    const res = await f.request("POST", `/apis/events.k8s.io/v1/namespaces/${ns}/events`, {
      contentType: "application/json",
      body: JSON.stringify(body),
    });
    const created = (await res.json()) as EventsV1Event;
    expect(res.status, JSON.stringify(created)).toBe(201);
    return created;
  }

  describe("events", () => {
    it("serves an events.k8s.io event through core v1 with the fields converted, and back", async () => {
      const ns = await f.namespace();
      const created = await createEventsV1(ns, eventsV1(ns, "landed"));
      const core = await f.core.readNamespacedEvent({ namespace: ns, name: "landed" });
      expect(core).toMatchObject({
        apiVersion: "v1",
        kind: "Event",
        involvedObject: regarding(ns),
        related: { kind: "Build", name: "cli-1" },
        message: "component cli landed",
        reason: "ComponentLanded",
        type: "Normal",
        action: "Build",
        reportingComponent: "payload.okd.io/operator",
        reportingInstance: "operator-0",
        series: { count: 2 },
      });
      expect(core.metadata.uid).toBe(created.metadata?.uid);
      expect(core.metadata.resourceVersion).toBe(created.metadata?.resourceVersion);

      await f.core.createNamespacedEvent({
        namespace: ns,
        body: {
          metadata: { name: "legacy", namespace: ns },
          involvedObject: regarding(ns),
          reason: "Started",
          message: "build started",
          type: "Warning",
          count: 3,
          firstTimestamp: new Date("2026-01-02T03:00:00Z"),
          lastTimestamp: new Date("2026-01-02T03:10:00Z"),
          source: { component: "payload-operator", host: "node-1" },
        },
      });
      const viewed = await events.readNamespacedEvent({ namespace: ns, name: "legacy" });
      expect(viewed).toMatchObject({
        apiVersion: "events.k8s.io/v1",
        regarding: regarding(ns),
        note: "build started",
        deprecatedCount: 3,
        deprecatedSource: { component: "payload-operator", host: "node-1" },
      });
      expect(viewed.deprecatedFirstTimestamp?.toISOString()).toBe("2026-01-02T03:00:00.000Z");
      expect(viewed.deprecatedLastTimestamp?.toISOString()).toBe("2026-01-02T03:10:00.000Z");
      expect((viewed as unknown as Record<string, unknown>)["message"]).toBeUndefined();

      const coreList = await f.core.listNamespacedEvent({ namespace: ns });
      const v1List = await events.listNamespacedEvent({ namespace: ns });
      expect(coreList.items.map((e) => e.metadata.name)).toEqual(["landed", "legacy"]);
      expect(v1List.items.map((e) => e.metadata?.name)).toEqual(["landed", "legacy"]);
      expect(v1List.metadata?.resourceVersion).toBe(coreList.metadata?.resourceVersion);
    });

    it("refuses an eventTime without six fractional digits (a Date through client-node's typed client) with 400", async () => {
      const ns = await f.namespace();
      const err = await apiError(() =>
        events.createNamespacedEvent({
          namespace: ns,
          body: {
            ...eventsV1(ns, "millis"),
            eventTime: new Date("2026-01-02T03:04:05.123Z"),
          } as EventsV1Event,
        }),
      );
      expect(err.code).toBe(400);
      expect(err.body).toMatchObject({
        reason: "BadRequest",
        message:
          'Event in version "v1" cannot be handled as a Event: parsing time "2026-01-02T03:04:05.123Z" as "2006-01-02T15:04:05.000000Z07:00": cannot parse ".123Z" as ".000000"',
      });
    });

    it("patches through one view and deletes through the other", async () => {
      const ns = await f.namespace();
      await createEventsV1(ns, eventsV1(ns, "patched"));
      await events.patchNamespacedEvent(
        {
          namespace: ns,
          name: "patched",
          // events.k8s.io/v1 lets an update change the series only (its note is immutable).
          body: { series: { count: 3, lastObservedTime: "2026-01-02T03:06:00.000000Z" } },
        },
        setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
      );
      const core = await f.core.readNamespacedEvent({ namespace: ns, name: "patched" });
      expect(core.message).toBe("component cli landed");
      expect(core.series?.count).toBe(3);
      await f.core.patchNamespacedEvent(
        { namespace: ns, name: "patched", body: { message: "edited in core" } },
        setHeaderOptions("Content-Type", PatchStrategy.StrategicMergePatch),
      );
      expect((await events.readNamespacedEvent({ namespace: ns, name: "patched" })).note).toBe(
        "edited in core",
      );
      const conflict = await apiError(() =>
        f.core.createNamespacedEvent({
          namespace: ns,
          // A valid Event: kube-apiserver validates before it looks for a duplicate name.
          body: {
            metadata: { name: "patched" },
            involvedObject: regarding(ns),
            reason: "Again",
            type: "Normal",
          },
        }),
      );
      expect(conflict.code).toBe(409);
      await f.core.deleteNamespacedEvent({ namespace: ns, name: "patched" });
      expect(
        (await apiError(() => events.readNamespacedEvent({ namespace: ns, name: "patched" }))).code,
      ).toBe(404);
    });

    it("selects core events by involvedObject fields and events.k8s.io events by regarding fields", async () => {
      const ns = await f.namespace();
      await createEventsV1(ns, eventsV1(ns, "mine"));
      const other = eventsV1(ns, "other");
      await createEventsV1(ns, { ...other, regarding: { ...regarding(ns), name: "someone-else", uid: "1" } });
      const pb = regarding(ns);
      const selector = `involvedObject.name=${pb.name},involvedObject.namespace=${ns},involvedObject.kind=PayloadBuild,involvedObject.uid=${pb.uid}`;
      const core = await f.core.listNamespacedEvent({ namespace: ns, fieldSelector: selector });
      expect(core.items.map((e: CoreV1Event) => e.metadata.name)).toEqual(["mine"]);
      const v1 = await events.listNamespacedEvent({
        namespace: ns,
        fieldSelector: `regarding.name=${pb.name},reportingController=payload.okd.io/operator`,
      });
      expect(v1.items.map((e) => e.metadata?.name)).toEqual(["mine"]);
      const bySource = await f.core.listNamespacedEvent({ namespace: ns, fieldSelector: "source=nobody" });
      expect(bySource.items).toHaveLength(0);
    });

    it("delivers writes through either view to watchers of the other", async () => {
      const ns = await f.namespace();
      const seen: { type: string; apiVersion: string; message: unknown }[] = [];
      const ctl = await new Watch(f.kubeConfig).watch(
        `/api/v1/namespaces/${ns}/events`,
        {},
        (type, obj: Record<string, unknown>) =>
          seen.push({ type, apiVersion: String(obj["apiVersion"]), message: obj["message"] }),
        () => undefined,
      );
      try {
        await createEventsV1(ns, eventsV1(ns, "watched"));
        await events.deleteNamespacedEvent({ namespace: ns, name: "watched" });
        await eventually(() => seen.length === 2, "two core watch events");
        expect(seen).toEqual([
          { type: "ADDED", apiVersion: "v1", message: "component cli landed" },
          { type: "DELETED", apiVersion: "v1", message: "component cli landed" },
        ]);
      } finally {
        ctl.abort();
      }
    });
  });
}
