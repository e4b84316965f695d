/** Patch conformance: JSON merge, JSON patch, strategic merge (built-in kinds) and server-side apply. */
import {
  AppsV1Api,
  CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
  type V1Deployment,
} from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { apiError, type ClusterFixture, type ServerKind, useClusterFixture } from "./cluster-fixture.js";

/** Defines this file's tests against the server `server`. */
export function patchSuite(server: ServerKind): void {
  let f: ClusterFixture;
  useClusterFixture(server, (started) => (f = started));

  const as = (type: string) => setHeaderOptions("Content-Type", type);

  /** PATCH with a raw body through fetch (for content types the typed clients do not expose). */
  async function rawPatch(
    path: string,
    type: string,
    body: string,
  ): Promise<{ status: number; json: Record<string, unknown> }> {
    const res = await f.request("PATCH", path, { contentType: type, body });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  }

  describe("patch types", () => {
    it("applies JSON merge patches (null deletes) and JSON patches (failed test -> 422)", async () => {
      const ns = await f.namespace();
      await f.core.createNamespacedConfigMap({
        namespace: ns,
        body: { metadata: { name: "a" }, data: { x: "1", y: "2" } },
      });
      const merged = await f.core.patchNamespacedConfigMap(
        { namespace: ns, name: "a", body: { data: { x: null, z: "3" } } },
        as(PatchStrategy.MergePatch),
      );
      expect(merged.data).toEqual({ y: "2", z: "3" });
      const patched = await f.core.patchNamespacedConfigMap({
        namespace: ns,
        name: "a",
        body: [{ op: "replace", path: "/data/y", value: "20" }],
      });
      expect(patched.data).toEqual({ y: "20", z: "3" });
      const failed = await apiError(() =>
        f.core.patchNamespacedConfigMap({
          namespace: ns,
          name: "a",
          body: [{ op: "test", path: "/data/y", value: "no" }],
        }),
      );
      expect(failed.code).toBe(422);
    });

    it("merges lists by patch merge key with strategic merge patch on built-in kinds, and refuses it on custom resources", async () => {
      const ns = await f.namespace();
      // A Deployment, not a Job: a Job's pod template is immutable on kube-apiserver.
      const apps = f.kubeConfig.makeApiClient(AppsV1Api);
      const deployment: V1Deployment = {
        metadata: { name: "d" },
        spec: {
          selector: { matchLabels: { app: "d" } },
          template: {
            metadata: { labels: { app: "d" } },
            spec: {
              containers: [
                { name: "a", image: "one", env: [{ name: "A", value: "1" }] },
                { name: "b", image: "two" },
              ],
            },
          },
        },
      };
      await apps.createNamespacedDeployment({ namespace: ns, body: deployment });
      const patched = await apps.patchNamespacedDeployment(
        {
          namespace: ns,
          name: "d",
          body: {
            spec: {
              template: {
                spec: {
                  containers: [
                    { name: "a", env: [{ name: "B", value: "2" }] },
                    { name: "b", $patch: "delete" },
                  ],
                },
              },
            },
          },
        },
        as(PatchStrategy.StrategicMergePatch),
      );
      const containers = patched.spec?.template.spec?.containers ?? [];
      expect(containers.map((c) => c.name)).toEqual(["a"]);
      expect(containers[0]?.image).toBe("one");
      // Without $setElementOrder the patch's items come first, then those only the server had.
      expect(containers[0]?.env?.map((e) => e.name)).toEqual(["B", "A"]);

      const r = await rawPatch(
        `/apis/payload.okd.io/v1alpha1/namespaces/${ns}/payloadbuilds/x`,
        PatchStrategy.StrategicMergePatch,
        "{}",
      );
      expect(r.status).toBe(415);
      expect(r.json["reason"]).toBe("UnsupportedMediaType");
    });
  });

  describe("server-side apply", () => {
    const path = (ns: string): string => `/api/v1/namespaces/${ns}/configmaps/cfg`;
    const apply = (ns: string, manager: string, data: Record<string, string>, force = false) =>
      rawPatch(
        `${path(ns)}?fieldManager=${manager}${force ? "&force=true" : ""}`,
        PatchStrategy.ServerSideApply,
        JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cfg" }, data }),
      );

    it("creates with the manager owning its fields, detects conflicts, forces, and removes fields no longer applied", async () => {
      const ns = await f.namespace();
      const created = await apply(ns, "ctrl", { a: "1", b: "2" });
      expect(created.status).toBe(201);
      const managed = (
        created.json["metadata"] as {
          managedFields: { manager: string; operation: string; fieldsV1: unknown }[];
        }
      ).managedFields;
      expect(managed).toEqual([
        expect.objectContaining({
          manager: "ctrl",
          operation: "Apply",
          fieldsV1: { "f:data": { "f:a": {}, "f:b": {} } },
        }),
      ]);

      const conflict = await apply(ns, "other", { a: "changed" });
      expect(conflict.status).toBe(409);
      expect(conflict.json["reason"]).toBe("Conflict");
      expect(JSON.stringify(conflict.json["details"])).toContain(".data.a");

      const same = await apply(ns, "other", { a: "1", c: "3" });
      expect(same.status).toBe(200);

      const forced = await apply(ns, "other", { a: "forced", c: "3" }, true);
      expect(forced.status).toBe(200);
      expect(forced.json["data"]).toEqual({ a: "forced", b: "2", c: "3" });

      // ctrl stops applying b: it is removed; a is now owned by "other" only, so ctrl's apply of {} keeps it.
      const shrunk = await apply(ns, "ctrl", {});
      expect(shrunk.json["data"]).toEqual({ a: "forced", c: "3" });
    });

    it("applies status through the status subresource for a controller owning its status fields", async () => {
      const ns = await f.namespace();
      const api = f.kubeConfig.makeApiClient(CustomObjectsApi);
      const base = `/apis/payload.okd.io/v1alpha1/namespaces/${ns}/payloadbuilds/pb`;
      const created = await rawPatch(
        `${base}?fieldManager=user`,
        PatchStrategy.ServerSideApply,
        JSON.stringify({
          apiVersion: "payload.okd.io/v1alpha1",
          kind: "PayloadBuild",
          metadata: { name: "pb" },
          spec: { imageStream: "release", components: [{ name: "base", image: "quay.io/x/y:1" }] },
        }),
      );
      expect(created.status).toBe(201);
      const status = await rawPatch(
        `${base}/status?fieldManager=operator&force=true`,
        PatchStrategy.ServerSideApply,
        JSON.stringify({
          apiVersion: "payload.okd.io/v1alpha1",
          kind: "PayloadBuild",
          metadata: { name: "pb" },
          status: { observedGeneration: 1, phase: "Building" },
        }),
      );
      expect(status.status).toBe(200);
      const read = (await api.getNamespacedCustomObject({
        group: "payload.okd.io",
        version: "v1alpha1",
        namespace: ns,
        plural: "payloadbuilds",
        name: "pb",
      })) as {
        metadata: { generation: number; managedFields: { manager: string; subresource?: string }[] };
        status: unknown;
      };
      expect(read.status).toMatchObject({ observedGeneration: 1, phase: "Building" });
      expect(read.metadata.generation).toBe(1);
      expect(read.metadata.managedFields.map((m) => `${m.manager}/${m.subresource ?? ""}`).sort()).toEqual([
        "operator/status",
        "user/",
      ]);
    });

    it("requires a fieldManager for apply", async () => {
      const ns = await f.namespace();
      const r = await rawPatch(
        path(ns),
        PatchStrategy.ServerSideApply,
        JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cfg" } }),
      );
      expect(r.status).toBe(422);
      expect(r.json).toMatchObject({
        reason: "Invalid",
        message:
          'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
        details: {
          group: "meta.k8s.io",
          kind: "PatchOptions",
          causes: [{ field: "fieldManager", reason: "FieldValueRequired" }],
        },
      });
    });
  });
}
