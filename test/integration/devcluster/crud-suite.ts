/**
 * Conformance of the dev cluster through @kubernetes/client-node: CRUD, resourceVersion,
 * generation, status subresource, errors as Status, selectors and pagination.
 */
import {
  BatchV1Api,
  CoordinationV1Api,
  CustomObjectsApi,
  KubernetesObjectApi,
  PatchStrategy,
  setHeaderOptions,
} from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { apiError, type ClusterFixture, type ServerKind, useClusterFixture } from "./cluster-fixture.js";

const PB = { group: "payload.okd.io", version: "v1alpha1", plural: "payloadbuilds" };
const merge = setHeaderOptions("Content-Type", PatchStrategy.MergePatch);

/** The fields of a PayloadBuild these tests read. */
interface PayloadBuildView {
  metadata: { generation: number };
  spec: { concurrency: number };
  status?: unknown;
}

function payloadBuild(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: "payload.okd.io/v1alpha1",
    kind: "PayloadBuild",
    metadata: { name },
    spec: {
      imageStream: "release",
      components: [{ name: "base", image: "quay.io/centos/centos:stream9" }],
      ...extra,
    },
  };
}

/** Defines this file's tests against the server `server`. */
export function crudSuite(server: ServerKind): void {
  let f: ClusterFixture;
  useClusterFixture(server, (started) => (f = started));

  describe("objects", () => {
    it("sets uid, creationTimestamp, resourceVersion and generation on create, and answers 409 AlreadyExists", async () => {
      const ns = await f.namespace();
      const cm = await f.core.createNamespacedConfigMap({
        namespace: ns,
        body: { metadata: { name: "a" }, data: { k: "v" } },
      });
      expect(cm.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
      expect(cm.metadata?.creationTimestamp).toBeInstanceOf(Date);
      expect(Number(cm.metadata?.resourceVersion)).toBeGreaterThan(0);
      const err = await apiError(() =>
        f.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: "a" } } }),
      );
      expect(err.code).toBe(409);
      expect(err.body).toMatchObject({
        kind: "Status",
        reason: "AlreadyExists",
        message: 'configmaps "a" already exists',
      });
    });

    it("leaves generation unset on kinds that do not track it, and refuses a resourceVersion on create", async () => {
      const ns = await f.namespace();
      const cm = await f.core.createNamespacedConfigMap({
        namespace: ns,
        body: { metadata: { name: "a" }, data: { k: "v" } },
      });
      expect(cm.metadata?.generation).toBeUndefined();
      const err = await apiError(() =>
        f.core.createNamespacedConfigMap({
          namespace: ns,
          body: { metadata: { name: "b", resourceVersion: "12" } },
        }),
      );
      expect(err.code).toBe(500);
      expect(err.body).toMatchObject({
        status: "Failure",
        message: "resourceVersion should not be set on objects to be created",
      });
      expect(err.body["reason"]).toBeUndefined();
    });

    it("generates names from generateName", async () => {
      const ns = await f.namespace();
      const cm = await f.core.createNamespacedConfigMap({
        namespace: ns,
        body: { metadata: { generateName: "gen-" } },
      });
      expect(cm.metadata?.name).toMatch(/^gen-[a-z0-9]{5}$/);
    });

    it("issues a global, increasing resourceVersion and rejects stale updates with 409 Conflict", async () => {
      const ns = await f.namespace();
      const a = await f.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: "a" } } });
      const b = await f.core.createNamespacedSecret({
        namespace: ns,
        body: { metadata: { name: "b" }, stringData: { p: "x" } },
      });
      expect(Number(b.metadata?.resourceVersion)).toBeGreaterThan(Number(a.metadata?.resourceVersion));
      expect(b.data?.["p"]).toBe(Buffer.from("x").toString("base64"));
      const updated = await f.core.replaceNamespacedConfigMap({
        namespace: ns,
        name: "a",
        body: { ...a, data: { x: "1" } },
      });
      expect(Number(updated.metadata?.resourceVersion)).toBeGreaterThan(Number(b.metadata?.resourceVersion));
      const err = await apiError(() =>
        f.core.replaceNamespacedConfigMap({ namespace: ns, name: "a", body: { ...a, data: { x: "2" } } }),
      );
      expect(err.code).toBe(409);
      expect(err.body["reason"]).toBe("Conflict");
      expect(String(err.body["message"])).toContain("the object has been modified");
    });

    it("answers 404 with a NotFound Status naming the object", async () => {
      const err = await apiError(() =>
        f.core.readNamespacedConfigMap({ namespace: "default", name: "missing" }),
      );
      expect(err.code).toBe(404);
      expect(err.body).toMatchObject({
        kind: "Status",
        status: "Failure",
        reason: "NotFound",
        details: { name: "missing", kind: "configmaps" },
      });
      const noNs = await apiError(() =>
        f.core.createNamespacedConfigMap({ namespace: "nope", body: { metadata: { name: "a" } } }),
      );
      expect(noNs.code).toBe(404);
      expect(noNs.body["message"]).toBe('namespaces "nope" not found');
    });

    it("serves leases and jobs through their typed clients", async () => {
      const ns = await f.namespace();
      const coord = f.kubeConfig.makeApiClient(CoordinationV1Api);
      const lease = await coord.createNamespacedLease({
        namespace: ns,
        body: { metadata: { name: "leader" }, spec: { holderIdentity: "me", leaseDurationSeconds: 15 } },
      });
      expect(lease.spec?.holderIdentity).toBe("me");
      const batch = f.kubeConfig.makeApiClient(BatchV1Api);
      const job = await batch.createNamespacedJob({
        namespace: ns,
        body: {
          metadata: { name: "j" },
          spec: {
            template: { spec: { containers: [{ name: "c", image: "busybox" }], restartPolicy: "Never" } },
          },
        },
      });
      expect(job.spec?.backoffLimit).toBe(6);
      expect(job.spec?.template.spec?.containers[0]?.image).toBe("busybox");
      const status = await batch.replaceNamespacedJobStatus({
        namespace: ns,
        name: "j",
        body: { ...job, status: { succeeded: 1 } },
      });
      expect(status.status?.succeeded).toBe(1);
    });
  });

  describe("collections and dry runs", () => {
    it("deletes a selected collection and does not persist dry-run writes", async () => {
      const ns = await f.namespace();
      for (const [name, app] of [
        ["a", "x"],
        ["b", "x"],
        ["c", "y"],
      ] as const)
        await f.core.createNamespacedConfigMap({
          namespace: ns,
          body: { metadata: { name, labels: { app } } },
        });
      await f.core.deleteCollectionNamespacedConfigMap({ namespace: ns, labelSelector: "app=x" });
      expect(
        (await f.core.listNamespacedConfigMap({ namespace: ns })).items.map((i) => i.metadata?.name),
      ).toEqual(["c"]);
      const dry = await f.core.createNamespacedConfigMap({
        namespace: ns,
        dryRun: "All",
        body: { metadata: { name: "dry" } },
      });
      expect(dry.metadata?.uid).toBeDefined();
      expect(
        (await f.core.listNamespacedConfigMap({ namespace: ns })).items.map((i) => i.metadata?.name),
      ).toEqual(["c"]);
    });
  });

  describe("generation and the status subresource", () => {
    it("bumps generation on spec changes only; main writes ignore status and status writes ignore spec", async () => {
      const ns = await f.namespace();
      const api = f.kubeConfig.makeApiClient(CustomObjectsApi);
      const created = (await api.createNamespacedCustomObject({
        ...PB,
        namespace: ns,
        body: { ...payloadBuild("pb"), status: { phase: "Succeeded" } },
      })) as PayloadBuildView;
      expect(created.metadata.generation).toBe(1);
      expect(created.status).toBeUndefined();

      const labelled = (await api.patchNamespacedCustomObject(
        { ...PB, namespace: ns, name: "pb", body: { metadata: { labels: { a: "b" } } } },
        merge,
      )) as PayloadBuildView;
      expect(labelled.metadata.generation).toBe(1);

      const withStatus = (await api.patchNamespacedCustomObjectStatus(
        {
          ...PB,
          namespace: ns,
          name: "pb",
          body: { spec: { concurrency: 3 }, status: { observedGeneration: 1 } },
        },
        merge,
      )) as PayloadBuildView;
      expect(withStatus.metadata.generation).toBe(1);
      expect(withStatus.status).toEqual({ observedGeneration: 1 });
      expect(withStatus.spec.concurrency).toBe(8);

      const specChange = (await api.patchNamespacedCustomObject(
        {
          ...PB,
          namespace: ns,
          name: "pb",
          body: { spec: { concurrency: 2 }, status: { observedGeneration: 99 } },
        },
        merge,
      )) as PayloadBuildView;
      expect(specChange.metadata.generation).toBe(2);
      expect(specChange.status).toEqual({ observedGeneration: 1 });
    });

    it("does not write (or bump resourceVersion) when an update changes nothing", async () => {
      const ns = await f.namespace();
      const cm = await f.core.createNamespacedConfigMap({
        namespace: ns,
        body: { metadata: { name: "same" }, data: { a: "1" } },
      });
      const again = await f.core.replaceNamespacedConfigMap({ namespace: ns, name: "same", body: cm });
      expect(again.metadata?.resourceVersion).toBe(cm.metadata?.resourceVersion);
    });
  });

  describe("KubernetesObjectApi", () => {
    it("creates, reads, patches and deletes custom resources resolved through discovery", async () => {
      const ns = await f.namespace();
      const client = KubernetesObjectApi.makeApiClient(f.kubeConfig);
      const spec = { ...payloadBuild("generic"), metadata: { name: "generic", namespace: ns } };
      await client.create(spec);
      const read = await client.read({
        apiVersion: "payload.okd.io/v1alpha1",
        kind: "PayloadBuild",
        metadata: { name: "generic", namespace: ns },
      });
      expect((read as unknown as { spec: { backend: string } }).spec.backend).toBe("openshift");
      await client.patch(
        { ...spec, metadata: { ...spec.metadata, labels: { x: "y" } } },
        undefined,
        undefined,
        undefined,
        undefined,
        PatchStrategy.MergePatch,
      );
      const list = await client.list(
        "payload.okd.io/v1alpha1",
        "PayloadBuild",
        ns,
        undefined,
        undefined,
        undefined,
        undefined,
        "x=y",
      );
      expect(list.items.map((i) => i.metadata?.name)).toEqual(["generic"]);
      await client.delete({
        apiVersion: "payload.okd.io/v1alpha1",
        kind: "PayloadBuild",
        metadata: { name: "generic", namespace: ns },
      });
      const after = await client.list("payload.okd.io/v1alpha1", "PayloadBuild", ns);
      expect(after.items).toHaveLength(0);
    });
  });

  describe("selectors and pagination", () => {
    it("filters by equality and set-based label selectors and by metadata.name", async () => {
      const ns = await f.namespace();
      for (const [name, tier] of [
        ["a", "web"],
        ["b", "db"],
        ["c", "cache"],
      ] as const)
        await f.core.createNamespacedConfigMap({
          namespace: ns,
          body: { metadata: { name, labels: { tier, ...(name === "c" ? {} : { app: "x" }) } } },
        });
      const names = async (labelSelector?: string, fieldSelector?: string): Promise<string[]> =>
        (
          await f.core.listNamespacedConfigMap({
            namespace: ns,
            ...(labelSelector ? { labelSelector } : {}),
            ...(fieldSelector ? { fieldSelector } : {}),
          })
        ).items.map((i) => i.metadata?.name ?? "");
      expect(await names("tier=web")).toEqual(["a"]);
      expect(await names("tier!=web")).toEqual(["b", "c"]);
      expect(await names("tier in (db,cache)")).toEqual(["b", "c"]);
      expect(await names("tier notin (db),app")).toEqual(["a"]);
      expect(await names("!app")).toEqual(["c"]);
      expect(await names(undefined, "metadata.name=b")).toEqual(["b"]);
      expect(await names(undefined, `metadata.namespace=${ns},metadata.name!=b`)).toEqual(["a", "c"]);
      const all = await f.core.listConfigMapForAllNamespaces({ fieldSelector: `metadata.namespace=${ns}` });
      expect(all.items).toHaveLength(3);
    });

    it("pages with limit and continue", async () => {
      const ns = await f.namespace();
      for (let i = 0; i < 7; i++)
        await f.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: `cm-${i}` } } });
      const seen: string[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const page = await f.core.listNamespacedConfigMap({
          namespace: ns,
          limit: 3,
          ...(token ? { _continue: token } : {}),
        });
        seen.push(...page.items.map((i) => i.metadata?.name ?? ""));
        token = page.metadata?._continue;
        if (token) expect(page.metadata?.remainingItemCount).toBeGreaterThan(0);
        pages++;
      } while (token);
      expect(pages).toBe(3);
      expect(seen).toEqual(["cm-0", "cm-1", "cm-2", "cm-3", "cm-4", "cm-5", "cm-6"]);
    });
  });
}
