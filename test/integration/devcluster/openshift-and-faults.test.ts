/**
 * OpenShift kinds (BuildConfig instantiate), fault injection, persistence and the audit log.
 * Dev cluster only: `instantiate` is openshift-apiserver's (a real kube-apiserver serves these
 * kinds as CRDs, without it), and faults, addons, the data directory and the audit ring buffer
 * are the dev cluster's own features.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CustomObjectsApi } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiError, startDevFixture, type DevClusterFixture } from "./cluster-fixture.js";

let f: DevClusterFixture;
let custom: CustomObjectsApi;
beforeAll(async () => {
  f = await startDevFixture();
  custom = f.kubeConfig.makeApiClient(CustomObjectsApi);
});
afterAll(async () => {
  await f?.stop();
});

interface BuildView {
  metadata: {
    name: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
    ownerReferences: { kind: string; name: string; controller: boolean }[];
  };
  spec: { output: { to: { name: string } }; triggeredBy: unknown[] };
  status: { phase: string };
}

describe("OpenShift builds", () => {
  it("instantiates a BuildConfig into Build <name>-<n> and bumps status.lastVersion", async () => {
    const ns = await f.namespace();
    const bcApi = { group: "build.openshift.io", version: "v1", namespace: ns };
    await custom.createNamespacedCustomObject({
      ...bcApi,
      plural: "buildconfigs",
      body: {
        apiVersion: "build.openshift.io/v1",
        kind: "BuildConfig",
        metadata: { name: "cli" },
        spec: {
          source: { type: "Git", git: { uri: "https://github.com/openshift/oc" } },
          strategy: { type: "Docker", dockerStrategy: { dockerfilePath: "Dockerfile" } },
          output: { to: { kind: "ImageStreamTag", name: "release:cli" } },
        },
      },
    });
    const request = { apiVersion: "build.openshift.io/v1", kind: "BuildRequest", metadata: { name: "cli" } };
    const first = (await custom.createNamespacedCustomObject({
      ...bcApi,
      plural: "buildconfigs/cli/instantiate",
      body: request,
    })) as BuildView;
    const second = (await custom.createNamespacedCustomObject({
      ...bcApi,
      plural: "buildconfigs/cli/instantiate",
      body: request,
    })) as BuildView;
    expect([first.metadata.name, second.metadata.name]).toEqual(["cli-1", "cli-2"]);
    expect(first.status.phase).toBe("New");
    expect(first.spec.output.to.name).toBe("release:cli");
    expect(first.metadata.annotations["openshift.io/build.number"]).toBe("1");
    expect(first.metadata.labels["openshift.io/build-config.name"]).toBe("cli");
    expect(first.metadata.ownerReferences[0]).toMatchObject({
      kind: "BuildConfig",
      name: "cli",
      controller: true,
    });
    const bc = (await custom.getNamespacedCustomObject({
      ...bcApi,
      plural: "buildconfigs",
      name: "cli",
    })) as { status: { lastVersion: number } };
    expect(bc.status.lastVersion).toBe(2);
    const stale = await apiError(() =>
      custom.createNamespacedCustomObject({
        ...bcApi,
        plural: "buildconfigs/cli/instantiate",
        body: { ...request, lastVersion: 1 },
      }),
    );
    expect(stale.code).toBe(409);
  });

  it("serves imagestreams with a status subresource and shipwright buildruns", async () => {
    const ns = await f.namespace();
    const is = { group: "image.openshift.io", version: "v1", namespace: ns, plural: "imagestreams" };
    await custom.createNamespacedCustomObject({
      ...is,
      body: { apiVersion: "image.openshift.io/v1", kind: "ImageStream", metadata: { name: "release" } },
    });
    const tags = [
      {
        tag: "cli",
        items: [
          {
            created: "2026-01-01T00:00:00Z",
            dockerImageReference: "r/x@sha256:aa",
            image: "sha256:aa",
            generation: 1,
          },
        ],
      },
    ];
    const updated = (await custom.patchNamespacedCustomObjectStatus({
      ...is,
      name: "release",
      body: [{ op: "add", path: "/status", value: { tags } }],
    })) as { status: { tags: unknown } };
    expect(updated.status.tags).toEqual(tags);
    const br = (await custom.createNamespacedCustomObject({
      group: "shipwright.io",
      version: "v1beta1",
      namespace: ns,
      plural: "buildruns",
      body: {
        apiVersion: "shipwright.io/v1beta1",
        kind: "BuildRun",
        metadata: { name: "r" },
        spec: { build: { name: "b" } },
      },
    })) as { spec: { build: { name: string } } };
    expect(br.spec.build.name).toBe("b");
  });
});

describe("fault injection", () => {
  it("fails writes with 429 and Retry-After, delays responses, and turns off again", async () => {
    const ns = await f.namespace();
    f.dev.setFaults({ writeFailureRate: 1, writeFailureCodes: [429], retryAfterSeconds: 2 });
    const err = await apiError(() =>
      f.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: "a" } } }),
    );
    expect(err.code).toBe(429);
    expect(err.body["reason"]).toBe("TooManyRequests");
    expect(err.headers["retry-after"]).toBe("2");
    f.dev.setFaults({ writeFailureRate: 1, writeFailureCodes: [500] });
    expect(
      (
        await apiError(() =>
          f.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: "a" } } }),
        )
      ).code,
    ).toBe(500);
    f.dev.setFaults({ delayMs: 150 });
    const started = Date.now();
    await f.core.listNamespacedConfigMap({ namespace: ns });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    f.dev.setFaults({});
    await f.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: "a" } } });
  });
});

describe("audit log", () => {
  it("records verb, resource, subresource, namespace, name and user agent", async () => {
    const ns = await f.namespace();
    await f.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: "a" } } });
    await f.core.readNamespacedConfigMap({ namespace: ns, name: "a" });
    const entries = f.dev.audit.filter({ namespace: ns, resource: "configmaps" });
    // A create is named after the object it sends, as kube-apiserver's audit log names it.
    expect(entries.map((e) => `${e.verb} ${e.name} ${e.code}`)).toEqual(["create a 201", "get a 200"]);
    expect(entries[0]?.userAgent).toMatch(/^kubernetes-client-javascript/);
  });
});

describe("addons", () => {
  it("start after the API server with its kubeconfig and stop in reverse order before it", async () => {
    const log: string[] = [];
    const addon =
      (name: string) =>
      async (ctx: { url: string; kubeConfig: { getCurrentCluster(): { server: string } | null } }) => {
        const status = (await fetch(`${ctx.url}/api/v1/namespaces/default`)).status;
        log.push(`start ${name} ${status} ${ctx.kubeConfig.getCurrentCluster()?.server === ctx.url}`);
        return {
          stop: async () => {
            const still = (await fetch(`${ctx.url}/version`)).status;
            log.push(`stop ${name} ${still}`);
          },
        };
      };
    const withAddons = await startDevFixture({ crdDirs: [], addons: [addon("registry"), addon("builds")] });
    await withAddons.stop();
    expect(log).toEqual([
      "start registry 200 true",
      "start builds 200 true",
      "stop builds 200",
      "stop registry 200",
    ]);
  });
});

describe("persistence", () => {
  it("keeps objects and resourceVersions across a restart with the same data directory", async () => {
    const dir = await mkdtemp(join(tmpdir(), "devcluster-data-"));
    try {
      const first = await startDevFixture({ dataDir: dir });
      const ns = await first.namespace();
      const cm = await first.core.createNamespacedConfigMap({
        namespace: ns,
        body: { metadata: { name: "kept" }, data: { a: "1" } },
      });
      await first.stop();
      const second = await startDevFixture({ dataDir: dir });
      const read = await second.core.readNamespacedConfigMap({ namespace: ns, name: "kept" });
      expect(read.data).toEqual({ a: "1" });
      expect(read.metadata?.uid).toBe(cm.metadata?.uid);
      const next = await second.core.createNamespacedConfigMap({
        namespace: ns,
        body: { metadata: { name: "new" } },
      });
      expect(Number(next.metadata?.resourceVersion)).toBeGreaterThan(Number(cm.metadata?.resourceVersion));
      await second.stop();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
