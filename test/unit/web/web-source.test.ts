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
import { startOperatorWeb } from "../../../src/web/operator-web.js";
import { webSourceFromManager } from "../../../src/web/web-source.js";
import { createServer } from "node:net";

function testManager(): { manager: Manager; client: ReturnType<typeof createKubeClient> } {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ name: "c", server: "http://127.0.0.1:9" }],
    users: [{ name: "u" }],
    contexts: [{ name: "x", cluster: "c", user: "u" }],
    currentContext: "x",
  });
  const client = createKubeClient(kubeConfig);
  const manager = new Manager({
    client,
    logger: pino({ level: "silent" }),
    registry: new Registry(),
    processMetrics: false,
  });
  return { manager, client };
}

describe("webSourceFromManager", () => {
  it("refuses a --web-addr it cannot listen on, naming the flag and the cause", async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
    const address = busy.address();
    const port = typeof address === "object" && address !== null ? address.port : 0;
    const { manager, client } = testManager();
    await expect(
      startOperatorWeb({
        manager,
        client,
        address: { host: "127.0.0.1", port },
        registryOptions: {},
        logger: pino({ level: "silent" }),
      }),
    ).rejects.toThrow(
      new RegExp(`^--web-addr 127\\.0\\.0\\.1:${port}: cannot serve the web UI there: .*EADDRINUSE`),
    );
    await new Promise((resolve) => busy.close(resolve));
  });

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
