import { describe, expect, it } from "vitest";
import type { KubeClient, ListResult } from "../../../src/kube/kube-client.js";
import type { KubeObject } from "../../../src/kube/kube-object.js";
import { CONFIG_MAPS, kubeResource } from "../../../src/kube/resource.js";
import { silentLogger } from "../../../src/observability/logger.js";
import { ManualClock } from "../../../src/runtime/clock.js";
import { InformerCache } from "../../../src/runtime/informer-cache.js";
import { stripManagedFields } from "../../../src/runtime/watcher.js";

const BUILDS = kubeResource({
  group: "build.openshift.io",
  version: "v1",
  kind: "Build",
  plural: "builds",
  namespaced: true,
});

/** A client whose lists answer `objects` by plural and whose watches stay open without events. */
function listingClient(objects: Record<string, KubeObject[]>): KubeClient {
  const unsupported = (): never => {
    throw new Error("not used by informers");
  };
  return {
    get: unsupported,
    list: unsupported,
    create: unsupported,
    replace: unsupported,
    patch: unsupported,
    replaceStatus: unsupported,
    patchStatus: unsupported,
    delete: unsupported,
    listAll: (async (resource: { plural: string }): Promise<ListResult<KubeObject>> => ({
      items: objects[resource.plural] ?? [],
      resourceVersion: "1",
      continue: undefined,
    })) as KubeClient["listAll"],
    watch: (async () => ({ abort: () => undefined })) as KubeClient["watch"],
  };
}

const object = (kind: string): KubeObject => ({
  kind,
  metadata: { name: "x", namespace: "ns", managedFields: [{ manager: "m" }] },
  spec: { large: "a".repeat(100) },
  status: { phase: "Running" },
});

describe("InformerCache transforms", () => {
  it("caches a resource's objects through the common transform, then that resource's own one", async () => {
    const cache = new InformerCache({
      client: listingClient({ builds: [object("Build")], configmaps: [object("ConfigMap")] }),
      clock: new ManualClock(0),
      logger: silentLogger(),
      transform: stripManagedFields,
      transforms: [
        {
          resource: { group: "build.openshift.io", plural: "builds" },
          transform: ({ spec: _spec, ...rest }) => rest as KubeObject,
        },
      ],
    });
    const builds = cache.informer(BUILDS);
    const configMaps = cache.informer(CONFIG_MAPS);
    cache.start();
    await builds.store.waitForSync();
    await configMaps.store.waitForSync();
    expect(builds.store.get("ns/x")).toEqual({
      kind: "Build",
      metadata: { name: "x", namespace: "ns" },
      status: { phase: "Running" },
    });
    // Another resource gets the common transform only.
    expect(configMaps.store.get("ns/x")).toEqual({
      ...object("ConfigMap"),
      metadata: { name: "x", namespace: "ns" },
    });
    await cache.stop();
  });

  it("refuses two transforms for one resource", () => {
    const transform = (o: KubeObject): KubeObject => o;
    const cache = new InformerCache({
      client: listingClient({}),
      clock: new ManualClock(0),
      logger: silentLogger(),
      transforms: [
        { resource: BUILDS, transform },
        { resource: BUILDS, transform },
      ],
    });
    expect(() => cache.informer(BUILDS)).toThrow(/more than one cache transform for builds/);
  });
});
