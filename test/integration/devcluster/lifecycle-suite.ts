/** Deletion semantics: finalizers and deletionTimestamp, owner-reference GC, namespace deletion. */
import { type V1ConfigMap } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { useDevCluster } from "../../support/dev-cluster-fixture.js";
import { eventually } from "../../support/wait-for.js";
import { apiError, startFixture, type ClusterFixture } from "./cluster-fixture.js";

let f: ClusterFixture;
useDevCluster(startFixture, (started) => (f = started));

async function exists(ns: string, name: string): Promise<boolean> {
  try {
    await f.core.readNamespacedConfigMap({ namespace: ns, name });
    return true;
  } catch {
    return false;
  }
}

function owned(name: string, owner: V1ConfigMap): V1ConfigMap {
  return {
    metadata: {
      name,
      ownerReferences: [
        {
          apiVersion: "v1",
          kind: "ConfigMap",
          name: owner.metadata?.name ?? "",
          uid: owner.metadata?.uid ?? "",
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
  };
}

describe("finalizers", () => {
  it("keeps an object with finalizers, sets deletionTimestamp, and removes it when the last finalizer goes", async () => {
    const ns = await f.namespace();
    await f.core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: "a", finalizers: ["example.com/x", "example.com/y"] } },
    });
    await f.core.deleteNamespacedConfigMap({ namespace: ns, name: "a" });
    const deleting = await f.core.readNamespacedConfigMap({ namespace: ns, name: "a" });
    expect(deleting.metadata?.deletionTimestamp).toBeInstanceOf(Date);
    const added = await apiError(() =>
      f.core.patchNamespacedConfigMap({
        namespace: ns,
        name: "a",
        body: [{ op: "add", path: "/metadata/finalizers/-", value: "example.com/z" }],
      }),
    );
    expect(added.code).toBe(422);
    await f.core.patchNamespacedConfigMap({
      namespace: ns,
      name: "a",
      body: [{ op: "remove", path: "/metadata/finalizers/0" }],
    });
    expect(await exists(ns, "a")).toBe(true);
    await f.core.patchNamespacedConfigMap({
      namespace: ns,
      name: "a",
      body: [{ op: "remove", path: "/metadata/finalizers" }],
    });
    expect(await exists(ns, "a")).toBe(false);
  });
});

describe("garbage collection", () => {
  it("deletes dependents in the background when their owner is deleted", async () => {
    const ns = await f.namespace();
    const owner = await f.core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: "owner" } },
    });
    const child = await f.core.createNamespacedConfigMap({ namespace: ns, body: owned("child", owner) });
    await f.core.createNamespacedConfigMap({ namespace: ns, body: owned("grandchild", child) });
    await f.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: "unrelated" } } });
    await f.core.deleteNamespacedConfigMap({ namespace: ns, name: "owner" });
    await eventually(
      async () => !(await exists(ns, "child")) && !(await exists(ns, "grandchild")),
      "cascading deletion",
    );
    expect(await exists(ns, "unrelated")).toBe(true);
  });

  it("collects objects created with owner references to objects that do not exist", async () => {
    const ns = await f.namespace();
    const owner = await f.core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: "owner" } },
    });
    const ghost = {
      ...owner,
      metadata: { ...owner.metadata, name: "ghost", uid: "00000000-0000-0000-0000-000000000000" },
    };
    await f.core.createNamespacedConfigMap({ namespace: ns, body: owned("orphan", ghost) });
    const mixed = owned("mixed", owner);
    mixed.metadata?.ownerReferences?.push({
      apiVersion: "v1",
      kind: "ConfigMap",
      name: "ghost",
      uid: ghost.metadata.uid,
    });
    await f.core.createNamespacedConfigMap({ namespace: ns, body: mixed });
    await eventually(
      async () => !(await exists(ns, "orphan")),
      "collection of the dependent of a missing owner",
    );
    await eventually(
      async () =>
        (await f.core.readNamespacedConfigMap({ namespace: ns, name: "mixed" })).metadata?.ownerReferences
          ?.length === 1,
      "the dangling reference to be dropped",
    );
    const kept = await f.core.readNamespacedConfigMap({ namespace: ns, name: "mixed" });
    expect(kept.metadata?.ownerReferences?.map((r) => r.name)).toEqual(["owner"]);
  });

  it("orphans dependents with propagationPolicy Orphan", async () => {
    const ns = await f.namespace();
    const owner = await f.core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: "owner" } },
    });
    await f.core.createNamespacedConfigMap({ namespace: ns, body: owned("child", owner) });
    await f.core.deleteNamespacedConfigMap({ namespace: ns, name: "owner", propagationPolicy: "Orphan" });
    await eventually(async () => !(await exists(ns, "owner")), "owner removal");
    const child = await f.core.readNamespacedConfigMap({ namespace: ns, name: "child" });
    expect(child.metadata?.ownerReferences).toBeUndefined();
  });

  it("removes the owner only after its dependents with propagationPolicy Foreground", async () => {
    const ns = await f.namespace();
    const owner = await f.core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: "owner" } },
    });
    await f.core.createNamespacedConfigMap({
      namespace: ns,
      body: {
        ...owned("child", owner),
        metadata: { ...owned("child", owner).metadata, finalizers: ["example.com/hold"] },
      },
    });
    await f.core.deleteNamespacedConfigMap({ namespace: ns, name: "owner", propagationPolicy: "Foreground" });
    const held = await f.core.readNamespacedConfigMap({ namespace: ns, name: "owner" });
    expect(held.metadata?.finalizers).toContain("foregroundDeletion");
    await eventually(
      async () =>
        (await f.core.readNamespacedConfigMap({ namespace: ns, name: "child" })).metadata
          ?.deletionTimestamp !== undefined,
      "child deletion",
    );
    expect(await exists(ns, "owner")).toBe(true);
    await f.core.patchNamespacedConfigMap({
      namespace: ns,
      name: "child",
      body: [{ op: "remove", path: "/metadata/finalizers" }],
    });
    await eventually(async () => !(await exists(ns, "owner")), "owner removal after its dependents");
  });
});

describe("namespaces", () => {
  it("exist as default at start, and deleting one deletes its objects then the namespace", async () => {
    const def = await f.core.readNamespace({ name: "default" });
    expect(def.status?.phase).toBe("Active");
    const ns = await f.namespace();
    await f.core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: "held", finalizers: ["example.com/hold"] } },
    });
    await f.core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: "s" } } });
    await f.core.deleteNamespace({ name: ns });
    const terminating = await f.core.readNamespace({ name: ns });
    expect(terminating.status?.phase).toBe("Terminating");
    const refused = await apiError(() =>
      f.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: "b" } } }),
    );
    expect(refused.code).toBe(403);
    await eventually(
      async () => (await f.core.listNamespacedSecret({ namespace: ns })).items.length === 0,
      "secret removal",
    );
    expect((await f.core.readNamespace({ name: ns })).status?.phase).toBe("Terminating");
    await f.core.patchNamespacedConfigMap({
      namespace: ns,
      name: "held",
      body: [{ op: "remove", path: "/metadata/finalizers" }],
    });
    await eventually(
      async () => (await f.core.listNamespace()).items.every((n) => n.metadata?.name !== ns),
      "namespace removal",
    );
    expect(
      (await f.core.listConfigMapForAllNamespaces({ fieldSelector: `metadata.namespace=${ns}` })).items,
    ).toHaveLength(0);
  });
});
