/**
 * The simulated build system beside a real kube-apiserver that serves Builds, BuildRuns and
 * ImageStreams as plain CRDs (no openshift-apiserver: nothing stamps spec tag generations or fills
 * in `status.dockerImageRepository`), with Debian's `docker-registry` as the registry. The
 * simulator does what openshift-apiserver and the integrated registry would: ImageStream
 * repositories and generations, imports, the tag landed by a Build's push. Needs etcd and
 * kube-apiserver (`npm run control-plane:build`) and `docker-registry` (test/support/required-tool.ts).
 */
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import { installOkdPayloadStrategy } from "../../support/shipwright-strategies.js";
import {
  BUILDS,
  IMAGE_STREAMS,
  startBuildSystem,
  type ImageStreamObject,
  type RunningBuildSystem,
} from "../../../src/devcluster/builds/index.js";
import type { KubeClient } from "../../../src/kube/kube-client.js";
import { buildSyntheticImage } from "../../../src/oci-image/build-synthetic-image.js";
import { openImageStore } from "../../../src/registry/image-store.js";
import { startControlPlane, type ControlPlane } from "../../support/control-plane.js";
import { createNamespace } from "../../support/dev-cluster-fixture.js";
import { startDockerRegistry, type RunningDockerRegistry } from "../../support/docker-registry.js";
import { CONTROL_PLANE_TOOLS, describeWithTools } from "../../support/required-tool.js";
import { waitFor } from "../../support/wait-for.js";
import { runCorednsBuildRun, skopeoInspect } from "./support.js";

const CRDS = fileURLToPath(new URL("../../control-plane/crds/", import.meta.url));
// No kube-controller-manager is needed: nothing here relies on garbage collection.

describeWithTools([...CONTROL_PLANE_TOOLS, "docker-registry", "skopeo"])(
  "the simulated build system beside a real kube-apiserver",
  () => {
    let plane: ControlPlane;
    let registry: RunningDockerRegistry;
    let builds: RunningBuildSystem;
    let client: KubeClient;
    let ns: string;

    beforeAll(async () => {
      registry = await startDockerRegistry();
      plane = await startControlPlane({ controllerManager: false, crds: [CRDS] });
      client = plane.client;
      builds = await startBuildSystem({ kubeConfig: plane.adminKubeConfig, registry, speed: 20 });
      ns = await createNamespace(client, "real-plane");
    }, 120_000);

    afterAll(async () => {
      await builds?.stop();
      await plane?.stop();
      await registry?.stop();
    });

    const stream = (name: string): Promise<ImageStreamObject> =>
      client.get(IMAGE_STREAMS, { namespace: ns, name });

    it("stamps spec tag generations, fills in the repositories and imports, as openshift-apiserver would", async () => {
      const store = openImageStore(`docker://${registry.host}/upstream/tool`, {
        insecureRegistries: [registry.host],
      });
      const v1 = await buildSyntheticImage({
        destination: store,
        tag: "v1",
        files: [{ type: "file", path: "v", content: "1\n" }],
      });
      const v2 = await buildSyntheticImage({
        destination: store,
        tag: "v2",
        files: [{ type: "file", path: "v", content: "2\n" }],
      });
      await client.create(IMAGE_STREAMS, {
        apiVersion: "image.openshift.io/v1",
        kind: "ImageStream",
        metadata: { name: "tools", namespace: ns },
        spec: {
          tags: [{ name: "tool", from: { kind: "DockerImage", name: `${registry.host}/upstream/tool:v1` } }],
        },
      });
      const first = await waitFor(async () => {
        const s = await stream("tools");
        const item = s.status?.tags?.find((t) => t.tag === "tool")?.items?.[0];
        return item?.image === v1.digest ? s : undefined;
      }, "tool:v1 to be imported");
      const generation = first.spec?.tags?.[0]?.generation;
      expect(generation).toBe(1); // stamped with the stream's generation at creation
      expect(first.status?.tags?.[0]?.items?.[0]?.generation).toBe(generation);
      expect(first.status?.dockerImageRepository).toBe(`${registry.host}/${ns}/tools`);
      expect(first.status?.publicDockerImageRepository).toBe(`${registry.host}/${ns}/tools`);

      // Change the tag's source keeping its generation, as `kubectl edit` would: the server does not
      // restamp, the simulator does (tagRefChanged) and imports the new image.
      const edited = {
        ...first,
        spec: {
          ...first.spec,
          tags: [
            {
              ...first.spec?.tags?.[0],
              name: "tool",
              from: { kind: "DockerImage", name: `${registry.host}/upstream/tool:v2` },
            },
          ],
        },
      };
      await client.replace(IMAGE_STREAMS, edited);
      const second = await waitFor(async () => {
        const s = await stream("tools");
        return s.status?.tags?.find((t) => t.tag === "tool")?.items?.[0]?.image === v2.digest ? s : undefined;
      }, "tool:v2 to be imported");
      const restamped = second.spec?.tags?.[0]?.generation ?? 0;
      expect(restamped).toBeGreaterThan(generation ?? 0);
      expect(second.status?.tags?.[0]?.items?.map((i) => [i.image, i.generation])).toEqual([
        [v2.digest, restamped],
        [v1.digest, generation],
      ]);
    });

    it("runs a Build to Complete once its output stream has a repository, and lands the pushed tag", async () => {
      await client.create(IMAGE_STREAMS, {
        apiVersion: "image.openshift.io/v1",
        kind: "ImageStream",
        metadata: { name: "release", namespace: ns },
        spec: { lookupPolicy: { local: false } },
      });
      await client.create(BUILDS, {
        apiVersion: "build.openshift.io/v1",
        kind: "Build",
        metadata: { name: "cli-1", namespace: ns },
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
      expect(done.status?.outputDockerImageReference).toBe(`${registry.host}/${ns}/release:cli`);
      expect(typeof done.status?.duration).toBe("number");
      expect((await skopeoInspect(`${registry.host}/${ns}/release:cli`)).Digest).toBe(digest);
      const item = await waitFor(
        async () => (await stream("release")).status?.tags?.find((t) => t.tag === "cli")?.items?.[0],
        "the cli tag to land",
      );
      expect(item).toMatchObject({
        image: digest,
        dockerImageReference: `${registry.host}/${ns}/release@${digest}`,
      });
    });

    it("runs a BuildRun to Succeeded", async () => {
      const output = `${registry.host}/${ns}/release:coredns`;
      await installOkdPayloadStrategy(client);
      const run = await runCorednsBuildRun(client, ns, output);
      expect(run.status?.conditions?.find((c) => c.type === "Succeeded")?.status).toBe("True");
      expect((await skopeoInspect(output)).Digest).toBe(run.status?.output?.digest);
    });
  },
);
