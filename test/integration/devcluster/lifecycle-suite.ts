/** Deletion semantics: finalizers and deletionTimestamp, owner-reference GC, namespace deletion. */
import { CustomObjectsApi, type V1ConfigMap } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { eventually } from "../../support/wait-for.js";
import { apiError, type ClusterFixture, type ServerKind, useClusterFixture } from "./cluster-fixture.js";

/** Defines this file's tests against the server `server`. */
export function lifecycleSuite(server: ServerKind): void {
  let f: ClusterFixture;
  useClusterFixture(server, (started) => (f = started));

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
    it("bumps generation when a deletion starts on kinds that track it, and leaves it unset on the others", async () => {
      const ns = await f.namespace();
      const custom = f.kubeConfig.makeApiClient(CustomObjectsApi);
      const pb = { group: "payload.okd.io", version: "v1alpha1", plural: "payloadbuilds", namespace: ns };
      await custom.createNamespacedCustomObject({
        ...pb,
        body: {
          apiVersion: "payload.okd.io/v1alpha1",
          kind: "PayloadBuild",
          metadata: { name: "held", finalizers: ["example.com/hold"] },
          spec: { imageStream: "release", components: [{ name: "base", image: "quay.io/x/y:1" }] },
        },
      });
      await custom.deleteNamespacedCustomObject({ ...pb, name: "held" });
      const deleting = (await custom.getNamespacedCustomObject({ ...pb, name: "held" })) as {
        metadata: { generation: number; deletionTimestamp?: string; deletionGracePeriodSeconds?: number };
      };
      expect(deleting.metadata).toMatchObject({ generation: 2, deletionGracePeriodSeconds: 0 });
      expect(deleting.metadata.deletionTimestamp).toBeDefined();
      await f.core.createNamespacedConfigMap({
        namespace: ns,
        body: { metadata: { name: "cm", finalizers: ["example.com/hold"] } },
      });
      await f.core.deleteNamespacedConfigMap({ namespace: ns, name: "cm" });
      expect(
        (await f.core.readNamespacedConfigMap({ namespace: ns, name: "cm" })).metadata?.generation,
      ).toBeUndefined();
      await custom.patchNamespacedCustomObject({
        ...pb,
        name: "held",
        body: [{ op: "remove", path: "/metadata/finalizers" }],
      });
      await f.core.patchNamespacedConfigMap({
        namespace: ns,
        name: "cm",
        body: [{ op: "remove", path: "/metadata/finalizers" }],
      });
    });
  });

  describe("garbage collection", () => {
    it("matches owners by uid, kind and name: a reference with the owner's uid but another kind is dangling", async () => {
      const ns = await f.namespace();
      const owner = await f.core.createNamespacedConfigMap({
        namespace: ns,
        body: { metadata: { name: "owner" } },
      });
      const uid = owner.metadata?.uid ?? "";
      const reference = (name: string, apiVersion: string, kind: string) => ({
        metadata: { name, ownerReferences: [{ apiVersion, kind, name: "owner", uid }] },
      });
      await f.core.createNamespacedConfigMap({ namespace: ns, body: reference("right", "v1", "ConfigMap") });
      await f.core.createNamespacedConfigMap({
        namespace: ns,
        body: reference("wrong-kind", "v1", "Secret"),
      });
      await eventually(
        async () => !(await exists(ns, "wrong-kind")),
        "collection of the dependents whose reference names another object",
      );
      expect(await exists(ns, "right")).toBe(true);
    });

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
      await f.core.deleteNamespacedConfigMap({
        namespace: ns,
        name: "owner",
        propagationPolicy: "Foreground",
      });
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
}
