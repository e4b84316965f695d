import { describe, expect, it } from "vitest";
import { ApiError } from "../../../src/devcluster/errors.js";
import { listObjects } from "../../../src/devcluster/list-objects.js";
import { ObjectStore } from "../../../src/devcluster/object-store.js";
import type { ResourceDefinition } from "../../../src/devcluster/resource-definition.js";
import type { KubeObject } from "../../../src/devcluster/types.js";

function put(store: ObjectStore, name: string, namespace = "ns", owners: string[] = []): KubeObject {
  const object: KubeObject = {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name,
      namespace,
      uid: `uid-${namespace}-${name}`,
      resourceVersion: String(store.nextRv()),
      ownerReferences: owners.map((uid) => ({ apiVersion: "v1", kind: "ConfigMap", name: "o", uid })),
    },
  };
  store.put("/configmaps", object);
  return object;
}

describe("ObjectStore", () => {
  it("lists in namespace/name order and indexes owners", () => {
    const store = new ObjectStore(100);
    put(store, "b", "ns2");
    const owner = put(store, "c");
    put(store, "a", "ns", [owner.metadata.uid ?? ""]);
    expect(store.list("/configmaps").map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual([
      "ns/a",
      "ns/c",
      "ns2/b",
    ]);
    expect(store.list("/configmaps", "ns2").map((o) => o.metadata.name)).toEqual(["b"]);
    expect(store.dependentsOf(owner.metadata.uid ?? "").map((d) => d.object.metadata.name)).toEqual(["a"]);
  });

  it("replays events after a version and reports 'gone' once history is trimmed or compacted", () => {
    const store = new ObjectStore(4);
    const first = put(store, "a");
    for (let i = 0; i < 3; i++) put(store, `x${i}`);
    const events = store.eventsSince("/configmaps", Number(first.metadata.resourceVersion));
    expect(events).not.toBe("gone");
    expect(events === "gone" ? [] : events.map((e) => e.object.metadata.name)).toEqual(["x0", "x1", "x2"]);
    for (let i = 0; i < 6; i++) put(store, `y${i}`);
    expect(store.eventsSince("/configmaps", Number(first.metadata.resourceVersion))).toBe("gone");
    const latest = store.currentRv;
    store.compact();
    expect(store.eventsSince("/configmaps", latest - 1)).toBe("gone");
    expect(store.eventsSince("/configmaps", latest)).toEqual([]);
  });

  it("bounds the history by serialised size as well as by count", () => {
    const store = new ObjectStore(1000, 2000);
    const first = put(store, "a");
    for (let i = 0; i < 20; i++) put(store, `b${i}`);
    expect(store.eventsSince("/configmaps", Number(first.metadata.resourceVersion))).toBe("gone");
    const recent = store.eventsSince("/configmaps", store.currentRv - 3);
    expect(recent === "gone" ? "gone" : recent.length).toBe(3);
  });

  it("notifies subscribers with the previous object on modification and deletion", () => {
    const store = new ObjectStore(10);
    const seen: string[] = [];
    store.subscribe("/configmaps", (e) =>
      seen.push(
        `${e.type} ${e.object.metadata.resourceVersion} prev=${e.previous?.metadata.resourceVersion ?? "-"}`,
      ),
    );
    const a = put(store, "a");
    store.put("/configmaps", { ...a, metadata: { ...a.metadata, resourceVersion: String(store.nextRv()) } });
    store.remove("/configmaps", {
      ...a,
      metadata: { ...a.metadata, resourceVersion: String(store.nextRv()) },
    });
    expect(seen).toEqual(["ADDED 1 prev=-", "MODIFIED 2 prev=1", "DELETED 3 prev=2"]);
  });
});

describe("listObjects", () => {
  const def = { group: "", version: "v1", plural: "configmaps", namespaced: true } as ResourceDefinition;
  it("pages with a continue token that resumes after the last key", () => {
    const store = new ObjectStore(100);
    for (const n of ["e", "a", "d", "b", "c"]) put(store, n);
    const first = listObjects(store, def, "ns", { limit: 2 });
    expect(first.items.map((o) => o.metadata.name)).toEqual(["a", "b"]);
    expect(first.remainingItemCount).toBe(3);
    const second = listObjects(store, def, "ns", { limit: 2, continueToken: first.continueToken });
    expect(second.items.map((o) => o.metadata.name)).toEqual(["c", "d"]);
    expect(second.resourceVersion).toBe(first.resourceVersion);
    const last = listObjects(store, def, "ns", { limit: 2, continueToken: second.continueToken });
    expect(last.items.map((o) => o.metadata.name)).toEqual(["e"]);
    expect(last.continueToken).toBeUndefined();
  });

  it("shows continued pages as of the first page's resourceVersion while it is in the history", () => {
    const store = new ObjectStore(100);
    for (const n of ["a", "b", "c", "d"]) put(store, n);
    const first = listObjects(store, def, "ns", { limit: 2 });
    expect(first.items.map((o) => o.metadata.name)).toEqual(["a", "b"]);
    // After the first page: c is deleted, d is modified, bb and e are created.
    const c = store.get("/configmaps", "ns", "c");
    if (c === undefined) throw new Error("c is missing");
    store.remove("/configmaps", {
      ...c,
      metadata: { ...c.metadata, resourceVersion: String(store.nextRv()) },
    });
    const d = store.get("/configmaps", "ns", "d");
    if (d === undefined) throw new Error("d is missing");
    store.put("/configmaps", {
      ...d,
      data: { changed: "yes" },
      metadata: { ...d.metadata, resourceVersion: String(store.nextRv()) },
    });
    put(store, "bb");
    put(store, "e");
    const second = listObjects(store, def, "ns", { limit: 5, continueToken: first.continueToken });
    expect(second.items.map((o) => o.metadata.name)).toEqual(["c", "d"]);
    expect(second.items[1]?.["data"]).toBeUndefined();
    expect(second.resourceVersion).toBe(first.resourceVersion);
    expect(second.continueToken).toBeUndefined();
  });

  it("answers 410 for a continue token older than the history, with an inconsistent continuation", () => {
    const store = new ObjectStore(100);
    for (const n of ["a", "b", "c"]) put(store, n);
    const first = listObjects(store, def, "ns", { limit: 1 });
    put(store, "d");
    store.compact();
    let expired: unknown;
    try {
      listObjects(store, def, "ns", { limit: 1, continueToken: first.continueToken });
    } catch (e) {
      expired = e;
    }
    expect(expired).toBeInstanceOf(ApiError);
    const status = (expired as ApiError).status;
    expect(status).toMatchObject({ code: 410, reason: "Expired" });
    expect(status.message).toMatch(
      /^The provided continue parameter is too old to display a consistent list result/,
    );
    const rest = listObjects(store, def, "ns", { continueToken: status.metadata.continue });
    expect(rest.items.map((o) => o.metadata.name)).toEqual(["b", "c", "d"]);
    expect(rest.resourceVersion).toBe(String(store.currentRv));
  });
});
