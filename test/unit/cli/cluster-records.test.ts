import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import type { PayloadBuild } from "../../../src/api/index.js";
import { clusterConfig, readClusterRecords } from "../../../src/cli/cluster-records.js";

describe("the cluster plan --explain-rebuilds reads", () => {
  let dir = "";
  let kubeconfig = "";
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "cluster-records-"));
    kubeconfig = join(dir, "kubeconfig");
    // Port 1 on the loopback: nothing listens there, the connection is refused at once.
    const cluster = (name: string) => ({
      name,
      cluster: { server: "https://127.0.0.1:1", "insecure-skip-tls-verify": true },
    });
    await writeFile(
      kubeconfig,
      stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [cluster("a"), cluster("b")],
        users: [{ name: "u", user: { token: "t" } }],
        contexts: [
          { name: "dev", context: { cluster: "a", user: "u", namespace: "okd-build" } },
          { name: "prod", context: { cluster: "b", user: "u" } },
        ],
        "current-context": "dev",
      }),
    );
  });
  afterAll(async () => {
    if (dir !== "") await rm(dir, { recursive: true, force: true });
  });

  it("selects --context, and names the contexts there are when it is not one of them", () => {
    expect(clusterConfig({ kubeconfig, context: "prod" }).getCurrentContext()).toBe("prod");
    expect(() => clusterConfig({ kubeconfig, context: "staging" })).toThrow(
      "--context staging: no such context in the kubeconfig (it has: dev, prod)",
    );
    expect(() => clusterConfig({ kubeconfig: join(dir, "absent") })).toThrow(
      /--kubeconfig .*absent: cannot load it/,
    );
    // No kubeconfig anywhere: said so, rather than the client library's fallback to localhost:8080.
    expect(() => clusterConfig({}, { HOME: dir })).toThrow(
      `no kubeconfig: KUBECONFIG is unset and ${join(dir, ".kube", "config")} does not exist; give --kubeconfig`,
    );
  });

  it("says in one line that the cluster cannot be reached, naming the server and context", async () => {
    const payloadBuild = {
      apiVersion: "payload.okd.io/v1alpha1",
      kind: "PayloadBuild",
      metadata: { name: "nightly" },
      spec: { imageStream: "release" },
    } as unknown as PayloadBuild;
    await expect(readClusterRecords({ kubeconfig }, payloadBuild)).rejects.toThrow(
      /^cannot reach the cluster at https:\/\/127\.0\.0\.1:1 \(context dev\): /,
    );
  });
});
