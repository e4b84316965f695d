import { describe, expect, it } from "vitest";
import { AlreadyExistsError, ConflictError, NotFoundError } from "../../../src/kube/kube-errors.js";
import type { KubeClient } from "../../../src/kube/kube-client.js";
import { CONFIG_MAPS, NAMESPACES } from "../../../src/kube/resource.js";
import {
  createNamespace,
  startClusterAndClient,
  useDevCluster,
  type DevCluster,
} from "../../support/dev-cluster-fixture.js";

let cluster: DevCluster;
let client: KubeClient;
let ns: string;

useDevCluster(startClusterAndClient, async (started) => {
  ({ cluster, client } = started);
  ns = await createNamespace(client, "kube-client");
});

describe("KubeClient against the dev cluster", () => {
  it("creates, reads, lists and deletes, with typed errors", async () => {
    const created = await client.create(CONFIG_MAPS, {
      metadata: { name: "a", namespace: ns },
      data: { k: "v" },
    });
    expect(created.metadata.uid).toBeTruthy();
    await expect(
      client.create(CONFIG_MAPS, { metadata: { name: "a", namespace: ns } }),
    ).rejects.toBeInstanceOf(AlreadyExistsError);
    expect((await client.get(CONFIG_MAPS, { namespace: ns, name: "a" })).data).toEqual({ k: "v" });
    const list = await client.listAll(CONFIG_MAPS, { namespace: ns });
    expect(list.items.map((o) => o.metadata.name)).toContain("a");
    expect(list.resourceVersion).not.toBe("");
    await client.delete(CONFIG_MAPS, { namespace: ns, name: "a" });
    await expect(client.get(CONFIG_MAPS, { namespace: ns, name: "a" })).rejects.toBeInstanceOf(NotFoundError);
  });

  it("replace with a stale resourceVersion is a Conflict", async () => {
    const first = await client.create(CONFIG_MAPS, {
      metadata: { name: "rv", namespace: ns },
      data: { n: "1" },
    });
    await client.replace(CONFIG_MAPS, { ...first, data: { n: "2" } });
    await expect(client.replace(CONFIG_MAPS, { ...first, data: { n: "3" } })).rejects.toBeInstanceOf(
      ConflictError,
    );
  });

  it("sends merge patch, JSON patch and server-side apply with their own content types", async () => {
    await client.create(CONFIG_MAPS, { metadata: { name: "p", namespace: ns }, data: { a: "1", b: "2" } });
    const key = { namespace: ns, name: "p" };
    const merged = await client.patch(CONFIG_MAPS, key, {
      type: "merge",
      body: { data: { b: null, c: "3" } },
    });
    expect(merged.data).toEqual({ a: "1", c: "3" });
    const jsonPatched = await client.patch(CONFIG_MAPS, key, {
      type: "json",
      operations: [
        { op: "test", path: "/data/a", value: "1" },
        { op: "replace", path: "/data/a", value: "10" },
      ],
    });
    expect(jsonPatched.data).toEqual({ a: "10", c: "3" });
    const applied = await client.patch(CONFIG_MAPS, key, {
      type: "apply",
      fieldManager: "runtime-test",
      force: true,
      body: { metadata: { name: "p", namespace: ns }, data: { d: "4" } },
    });
    expect(applied.data).toMatchObject({ d: "4" });
    expect(JSON.stringify(applied.metadata.managedFields ?? [])).toContain("runtime-test");
  });

  it("writes status only through the /status subresource", async () => {
    const name = `status-${ns}`;
    await client.create(NAMESPACES, { metadata: { name } });
    const patched = await client.patchStatus(
      NAMESPACES,
      { name },
      {
        type: "merge",
        body: {
          status: {
            conditions: [
              {
                type: "Custom",
                status: "True",
                lastTransitionTime: "2026-01-01T00:00:00Z",
                reason: "Test",
                message: "set through /status",
              },
            ],
          },
        },
      },
    );
    expect(JSON.stringify(patched.status)).toContain("set through /status");
    expect(cluster.url).toMatch(/^http/);
  });
});
