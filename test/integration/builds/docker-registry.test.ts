/**
 * The simulated build system with Debian's `docker-registry` as its registry instead of the dev
 * cluster's integrated one, as it runs beside a real control plane: it speaks only the Docker
 * Registry HTTP API v2 to the registry and only the Kubernetes API to the cluster. A Build
 * completes with its image in that registry and its ImageStream tag landed with the digest; a
 * BuildRun succeeds with its output digest in that registry.
 */
import { afterAll, beforeAll, expect } from "vitest";
import { installOkdPayloadStrategy } from "../../support/shipwright-strategies.js";
import {
  BUILDS,
  IMAGE_STREAMS,
  startBuildSystem,
  type RunningBuildSystem,
} from "../../../src/devcluster/builds/index.js";
import type { DevCluster } from "../../../src/devcluster/dev-cluster.js";
import type { KubeClient } from "../../../src/kube/kube-client.js";
import { createNamespace, startClusterAndClient } from "../../support/dev-cluster-fixture.js";
import { startDockerRegistry, type RunningDockerRegistry } from "../../support/docker-registry.js";
import { hasTools, itWithTools, type ToolName } from "../../support/required-tool.js";
import { waitFor } from "../../support/wait-for.js";
import { createImageStream, runCorednsBuildRun, skopeoInspect } from "./support.js";

const TOOLS: readonly ToolName[] = ["docker-registry", "skopeo"];
const available = hasTools(TOOLS);

let registry: RunningDockerRegistry;
let cluster: DevCluster;
let client: KubeClient;
let builds: RunningBuildSystem;
let ns: string;

beforeAll(async () => {
  if (!available) return;
  registry = await startDockerRegistry();
  ({ cluster, client } = await startClusterAndClient());
  builds = await startBuildSystem({ kubeConfig: cluster.kubeConfig, registry, speed: 20 });
  ns = await createNamespace(client, "docker-registry");
});

afterAll(async () => {
  if (!available) return;
  await builds.stop();
  await cluster.stop();
  await registry.stop();
});

itWithTools(TOOLS)("builds into docker-registry and lands the ImageStream tag with the digest", async () => {
  const stream = await createImageStream(client, ns, "release");
  expect(stream.status?.dockerImageRepository).toBe(`${registry.host}/${ns}/release`);
  await client.create(BUILDS, {
    apiVersion: "build.openshift.io/v1",
    kind: "Build",
    metadata: { name: "cli-1", namespace: ns, labels: { "payload.okd.io/component": "cli" } },
    spec: {
      source: { type: "Git", git: { uri: "https://github.com/openshift/oc", ref: "release-4.17" } },
      strategy: {
        type: "Docker",
        dockerStrategy: { from: { kind: "DockerImage", name: "quay.io/centos/centos:stream9" } },
      },
      output: { to: { kind: "ImageStreamTag", name: "release:cli" } },
    },
  });
  const done = await waitFor(async () => {
    const b = await client.get(BUILDS, { namespace: ns, name: "cli-1" });
    return ["Complete", "Failed", "Error"].includes(b.status?.phase ?? "") ? b : undefined;
  }, "Build cli-1 to finish");
  expect(done.status?.phase, JSON.stringify(done.status)).toBe("Complete");
  const digest = done.status?.output?.to?.imageDigest ?? "";
  expect(digest).toMatch(/^sha256:[a-f0-9]{64}$/);
  expect(done.status?.outputDockerImageReference).toBe(`${registry.host}/${ns}/release:cli`);
  expect((await skopeoInspect(`${registry.host}/${ns}/release:cli`)).Digest).toBe(digest);

  const landed = await waitFor(async () => {
    const s = await client.get(IMAGE_STREAMS, { namespace: ns, name: "release" });
    return s.status?.tags?.find((t) => t.tag === "cli")?.items?.[0];
  }, "the cli tag to land");
  expect(landed.image).toBe(digest);
  expect(landed.dockerImageReference).toBe(`${registry.host}/${ns}/release@${digest}`);
});

itWithTools(TOOLS)("runs a BuildRun to Succeeded with its output digest in docker-registry", async () => {
  const output = `${registry.host}/${ns}/tools:coredns`;
  await installOkdPayloadStrategy(client);
  const run = await runCorednsBuildRun(client, ns, output);
  expect(run.status?.conditions?.find((c) => c.type === "Succeeded")).toMatchObject({
    status: "True",
    reason: "Succeeded",
  });
  const digest = run.status?.output?.digest ?? "";
  expect(digest).toMatch(/^sha256:/);
  expect(run.status?.buildSpec).toMatchObject({ output: { image: output } });
  expect((await skopeoInspect(output)).Digest).toBe(digest);
});
