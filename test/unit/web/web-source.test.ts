import { KubeConfig } from "@kubernetes/client-node";
import { pino } from "pino";
import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { createBuildBackends } from "../../../src/builds/build-backends.js";
import { createKubeClient } from "../../../src/kube/kube-client.js";
import type { KubeObject } from "../../../src/kube/kube-object.js";
import {
  PAYLOAD_BUILDS,
  setupPayloadBuildController,
} from "../../../src/payload-build/payload-build-controller.js";
import { setupReleaseStreamController } from "../../../src/release-stream/release-stream-controller.js";
import { Manager } from "../../../src/runtime/manager.js";
import type { StoreWriter } from "../../../src/runtime/store.js";
import { webSourceFromManager } from "../../../src/web/web-source.js";

describe("webSourceFromManager", () => {
  it("reads the controllers' own informers: no informer (so no watch) is added, and their stores are what it lists", () => {
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromOptions({
      clusters: [{ name: "c", server: "http://127.0.0.1:9" }],
      users: [{ name: "u" }],
      contexts: [{ name: "x", cluster: "c", user: "u" }],
      currentContext: "x",
    });
    const client = createKubeClient(kubeConfig);
    const logger = pino({ level: "silent" });
    const manager = new Manager({ client, logger, registry: new Registry(), processMetrics: false });
    const events = manager.eventRecorder("payload.okd.io/operator", "test");
    setupPayloadBuildController({
      manager,
      client,
      backends: createBuildBackends(),
      events,
      namespace: "okd",
    });
    setupReleaseStreamController({ manager, client, events, namespace: "okd" });
    const informers = manager.cache.unsynced().length; // none is synced: the manager is not started
    const source = webSourceFromManager(manager, { namespace: "okd" });
    expect(manager.cache.unsynced().length).toBe(informers);
    const store = manager.informer(PAYLOAD_BUILDS, { namespace: "okd" }).store as StoreWriter<KubeObject>;
    store.apply({
      apiVersion: "payload.okd.io/v1alpha1",
      kind: "PayloadBuild",
      metadata: { name: "okd", namespace: "okd" },
    });
    expect(source.payloadBuilds().map((o) => o.metadata.name)).toEqual(["okd"]);
    expect(source.releaseStreams()).toEqual([]);
    expect(source.isSynced()).toBe(false);
  });
});
