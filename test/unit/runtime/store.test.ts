import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../../src/kube/kube-object.js";
import {
  CONTROLLER_OWNER_UID_INDEX,
  controllerOwnerUidIndexer,
  labelIndexer,
  StoreWriter,
} from "../../../src/runtime/store.js";

function cm(name: string, rv: string, extra: Partial<KubeObject["metadata"]> = {}): KubeObject {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name, namespace: "ns", resourceVersion: rv, ...extra },
  };
}
const owner = (uid: string) => [
  { apiVersion: "v1", kind: "ConfigMap", name: "parent", uid, controller: true },
];

describe("StoreWriter", () => {
  it("finds objects by key and by owner uid and label indexes, following updates and deletes", () => {
    const store = new StoreWriter<KubeObject>({
      [CONTROLLER_OWNER_UID_INDEX]: controllerOwnerUidIndexer,
      team: labelIndexer("team"),
    });
    store.apply(cm("a", "1", { ownerReferences: owner("u1"), labels: { team: "x" } }));
    store.apply(cm("b", "2", { ownerReferences: owner("u1") }));
    expect(store.get("ns/a")?.metadata.resourceVersion).toBe("1");
    expect(store.get({ namespace: "ns", name: "b" })?.metadata.name).toBe("b");
    expect(
      store
        .byIndex(CONTROLLER_OWNER_UID_INDEX, "u1")
        .map((o) => o.metadata.name)
        .sort(),
    ).toEqual(["a", "b"]);
    store.apply(cm("a", "3", { ownerReferences: owner("u2"), labels: { team: "y" } }));
    expect(store.byIndex(CONTROLLER_OWNER_UID_INDEX, "u1").map((o) => o.metadata.name)).toEqual(["b"]);
    expect(store.byIndex("team", "x")).toEqual([]);
    expect(store.byIndex("team", "y").map((o) => o.metadata.name)).toEqual(["a"]);
    store.delete(cm("b", "4"));
    expect(store.get("ns/b")).toBeUndefined();
    expect(store.byIndex(CONTROLLER_OWNER_UID_INDEX, "u1")).toEqual([]);
    expect(() => store.byIndex("nope", "x")).toThrow(/no index nope/);
  });

  it("replace reports what a relist changed and marks the store synced", async () => {
    const store = new StoreWriter<KubeObject>();
    const synced = store.waitForSync();
    expect(store.isSynced()).toBe(false);
    store.apply(cm("keep", "1"));
    store.apply(cm("change", "1"));
    store.apply(cm("gone", "1"));
    const result = store.replace([cm("keep", "1"), cm("change", "2"), cm("new", "1")]);
    expect(result.added.map((o) => o.metadata.name)).toEqual(["new"]);
    expect(result.updated.map((u) => u.current.metadata.name)).toEqual(["change"]);
    expect(result.deleted.map((o) => o.metadata.name)).toEqual(["gone"]);
    expect(await synced).toBe(true);
    expect(store.size).toBe(3);
  });

  it("hands out frozen objects so readers cannot corrupt the cache", () => {
    const store = new StoreWriter<KubeObject>();
    store.apply(cm("a", "1", { labels: { k: "v" } }));
    const obj = store.get("ns/a");
    expect(() => {
      if (obj?.metadata.labels !== undefined) obj.metadata.labels["k"] = "changed";
    }).toThrow(TypeError);
  });
});

describe("StoreWriter.addIndexers", () => {
  it("indexes objects already cached when an index is added later", () => {
    const store = new StoreWriter<KubeObject>();
    store.apply(cm("a", "1", { labels: { component: "cvo" } }));
    store.addIndexers({ component: labelIndexer("component") });
    expect(store.byIndex("component", "cvo").map((o) => o.metadata.name)).toEqual(["a"]);
    store.apply(cm("b", "1", { labels: { component: "cvo" } }));
    expect(store.byIndex("component", "cvo")).toHaveLength(2);
  });
});
