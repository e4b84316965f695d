/**
 * The simulated build system against the dev cluster and its integrated registry: Builds,
 * BuildRuns and image imports produce real images, ImageStream tags land, failures are reported.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  STOCK_BUILDAH_STRATEGY,
  installOkdPayloadStrategy,
  installStockBuildahStrategy,
} from "../../support/shipwright-strategies.js";
import {
  BUILD_CONFIGS,
  BUILD_RUNS,
  BUILDS,
  IMAGE_STREAMS,
  type BuildObject,
  type ImageStreamObject,
} from "../../../src/devcluster/builds/index.js";
import { readLayerFiles, underDirectories } from "../../../src/oci-image/read-layer-files.js";
import { openImageStore } from "../../../src/registry/image-store.js";
import { parseManifest } from "../../../src/registry/manifest-schemas.js";
import { buildSyntheticImage } from "../../../src/oci-image/build-synthetic-image.js";
import { startDockerRegistry } from "../../support/docker-registry.js";
import { itWithTools } from "../../support/required-tool.js";
import { createNamespace } from "../../support/dev-cluster-fixture.js";
import { waitFor } from "../../support/wait-for.js";
import {
  createImageStream,
  runCorednsBuildRun,
  skopeoInspect,
  startBuildsHarness,
  type BuildsHarness,
} from "./support.js";

const CENTOS = "quay.io/centos/centos:stream9";

let h: BuildsHarness;
let ns: string;

beforeAll(async () => {
  h = await startBuildsHarness(
    {
      components: {
        "dns-operator": { operator: true, references: ["coredns"], crdKind: "DNS" },
      },
    },
    20,
  );
  ns = await createNamespace(h.client, "builds");
  await createImageStream(h.client, ns, "release");
  await createImageStream(h.client, ns, "other");
});

afterAll(async () => {
  await h.stop();
});

function dockerBuild(
  name: string,
  tag: string,
  from?: { kind: string; name: string },
  extra: Record<string, unknown> = {},
  stream = "release",
) {
  return {
    apiVersion: "build.openshift.io/v1",
    kind: "Build",
    metadata: { name, namespace: ns },
    spec: {
      source: {
        type: "Git",
        git: { uri: `https://github.com/openshift/${tag}`, ref: "release-4.17" },
        ...extra,
      },
      strategy: { type: "Docker", dockerStrategy: from === undefined ? {} : { from } },
      output: { to: { kind: "ImageStreamTag", name: `${stream}:${tag}` } },
    },
  };
}

async function buildPhase(name: string): Promise<BuildObject> {
  return h.client.get(BUILDS, { namespace: ns, name });
}

async function waitForPhase(name: string, phases: readonly string[]): Promise<BuildObject> {
  return waitFor(
    async () => {
      const b = await buildPhase(name);
      return phases.includes(b.status?.phase ?? "") ? b : undefined;
    },
    `build ${name} to reach ${phases.join("/")}`,
  );
}

async function stream(name = "release"): Promise<ImageStreamObject> {
  return h.client.get(IMAGE_STREAMS, { namespace: ns, name });
}

describe("simulated OpenShift builds", () => {
  let baseDigest = "";

  it("runs a Build from an external image through New, Pending, Running to Complete and lands the tag", async () => {
    const seen: string[] = [];
    const watch = await h.client.watch(
      BUILDS,
      { namespace: ns },
      (e) => {
        if ((e.type === "ADDED" || e.type === "MODIFIED") && e.object.metadata.name === "base-1") {
          const phase = e.object.status?.phase ?? "New";
          if (seen.at(-1) !== phase) seen.push(phase);
        }
      },
      () => undefined,
    );
    await h.client.create(BUILDS, dockerBuild("base-1", "base", { kind: "DockerImage", name: CENTOS }));
    const done = await waitForPhase("base-1", ["Complete", "Failed"]);
    watch.abort();
    expect(done.status?.phase).toBe("Complete");
    expect(seen.filter((p) => p !== "New")).toEqual(["Pending", "Running", "Complete"]);
    const status = done.status as Record<string, unknown> & { output?: { to?: { imageDigest?: string } } };
    baseDigest = status.output?.to?.imageDigest ?? "";
    expect(baseDigest).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(status["outputDockerImageReference"]).toBe(`${h.registryHost}/${ns}/release:base`);
    expect(typeof status["startTimestamp"]).toBe("string");
    expect(typeof status["completionTimestamp"]).toBe("string");

    const inspected = await skopeoInspect(`${h.registryHost}/${ns}/release:base`);
    expect(inspected.Digest).toBe(baseDigest);
    expect(inspected.Layers).toHaveLength(2); // the synthesized centos layer + the build's own
    expect(inspected.Labels?.["io.openshift.build.source-location"]).toBe(
      "https://github.com/openshift/base",
    );
    expect(inspected.Labels?.["io.openshift.build.commit.ref"]).toBe("release-4.17");
    expect(inspected.Labels?.["io.openshift.build.commit.id"]).toMatch(/^[a-f0-9]{40}$/);

    const is = await stream();
    expect(is.status?.dockerImageRepository).toBe(`${h.registryHost}/${ns}/release`);
    expect(is.status?.publicDockerImageRepository).toBe(`${h.registryHost}/${ns}/release`);
    const tag = is.status?.tags?.find((t) => t.tag === "base");
    expect(tag?.items?.[0]?.image).toBe(baseDigest);
    expect(tag?.items?.[0]?.dockerImageReference).toBe(`${h.registryHost}/${ns}/release@${baseDigest}`);
    expect(tag?.items?.[0]?.generation).toBeGreaterThanOrEqual(1);
  });

  it("builds an operator on an ImageStreamTag base with manifests/image-references in its top layer", async () => {
    await h.client.create(
      BUILDS,
      dockerBuild("dns-operator-1", "dns-operator", { kind: "ImageStreamTag", name: "release:base" }),
    );
    const done = await waitForPhase("dns-operator-1", ["Complete", "Failed"]);
    expect(done.status?.phase).toBe("Complete");
    const pullspec = `${h.registryHost}/${ns}/release:dns-operator`;
    const inspected = await skopeoInspect(pullspec);
    expect(inspected.Layers).toHaveLength(3);
    expect(inspected.Labels?.["io.openshift.release.operator"]).toBe("true");

    const store = openImageStore(`docker://${h.registryHost}/${ns}/release`, {
      insecureRegistries: [h.registryHost],
    });
    const fetched = await store.getManifest("dns-operator");
    const parsed = parseManifest(fetched.bytes, fetched.mediaType);
    if (parsed.kind !== "image") throw new Error("expected an image manifest");
    const top = parsed.manifest.layers.at(-1);
    if (top === undefined) throw new Error("no layers");
    const files = await readLayerFiles(await store.openBlob(top.digest), {
      include: underDirectories("manifests"),
    });
    const names = files.filter((f) => f.type === "file").map((f) => f.path);
    expect(names).toContain("manifests/image-references");
    expect(names.some((n) => n.endsWith("deployment.yaml"))).toBe(true);
    const refs = files.find((f) => f.path === "manifests/image-references")?.content.toString("utf8") ?? "";
    expect(refs).toContain("name: coredns");
    expect(refs).toContain("quay.io/openshift/origin-dns-operator");
  });

  it("fails a build with the injected reason and log snippet, then succeeds on the next attempt", async () => {
    h.builds.setBehaviour("flaky", {
      failTimes: 1,
      failReason: "DockerBuildFailed",
      logSnippet: "make: *** [build] Error 2",
    });
    await h.client.create(
      BUILDS,
      dockerBuild("flaky-1", "flaky", { kind: "ImageStreamTag", name: "release:base" }),
    );
    const failed = await waitForPhase("flaky-1", ["Complete", "Failed"]);
    const status = failed.status as Record<string, unknown>;
    expect(failed.status?.phase).toBe("Failed");
    expect(status["reason"]).toBe("DockerBuildFailed");
    expect(status["logSnippet"]).toBe("make: *** [build] Error 2");
    expect(String(status["message"])).toContain("flaky");
    await h.client.create(
      BUILDS,
      dockerBuild("flaky-2", "flaky", { kind: "ImageStreamTag", name: "release:base" }),
    );
    expect((await waitForPhase("flaky-2", ["Complete", "Failed"])).status?.phase).toBe("Complete");
  });

  it("prunes a BuildConfig's failed Builds beyond failedBuildsHistoryLimit (5 when unset), newest kept", async () => {
    h.builds.setBehaviour("pruned", { failAlways: true });
    await h.client.create(BUILD_CONFIGS, {
      apiVersion: "build.openshift.io/v1",
      kind: "BuildConfig",
      metadata: { name: "pruned", namespace: ns },
      spec: { ...dockerBuild("x", "pruned").spec, runPolicy: "Parallel" },
    });
    const loose = dockerBuild("pruned-loose", "pruned"); // no BuildConfig label: never pruned
    await h.client.create(BUILDS, loose);
    await waitForPhase("pruned-loose", ["Failed"]);
    for (let n = 1; n <= 7; n++) {
      const build = dockerBuild(`pruned-${n}`, "pruned");
      await h.client.create(BUILDS, {
        ...build,
        metadata: { ...build.metadata, labels: { "openshift.io/build-config.name": "pruned" } },
      });
      await waitForPhase(`pruned-${n}`, ["Failed"]);
    }
    const names = await waitFor(async () => {
      const list = await h.client.listAll(BUILDS, { namespace: ns });
      const left = list.items.map((b) => b.metadata.name).filter((n) => n.startsWith("pruned-"));
      return left.length === 6 ? left.sort() : undefined;
    }, "the history to be pruned to 5 failed builds of the BuildConfig");
    expect(names).toEqual(["pruned-3", "pruned-4", "pruned-5", "pruned-6", "pruned-7", "pruned-loose"]);
  });

  it("keeps a Build in New while an input ImageStreamTag has no image, naming the input, and runs it once it lands", async () => {
    await h.client.create(
      BUILDS,
      dockerBuild(
        "needs-input-1",
        "needs-input",
        { kind: "ImageStreamTag", name: "release:base" },
        {
          images: [
            {
              from: { kind: "ImageStreamTag", name: "release:not-built-yet" },
              paths: [{ sourcePath: "/x", destinationDir: "." }],
            },
          ],
        },
      ),
    );
    const waiting = await waitFor(async () => {
      const b = await buildPhase("needs-input-1");
      return b.status?.reason === "InvalidImageReference" ? b : undefined;
    }, "needs-input-1 to wait for its input");
    expect(waiting.status?.phase).toBe("New");
    expect(waiting.status?.message).toContain("release:not-built-yet");
    await h.client.create(
      BUILDS,
      dockerBuild("not-built-yet-1", "not-built-yet", { kind: "ImageStreamTag", name: "release:base" }),
    );
    const done = await waitForPhase("needs-input-1", ["Complete", "Failed"]);
    expect(done.status?.phase).toBe("Complete");
    expect(done.status?.reason ?? undefined).toBeUndefined();
  });

  it("keeps a Build in New while its output ImageStream does not exist, then runs it", async () => {
    await h.client.create(
      BUILDS,
      dockerBuild("late-stream-1", "late", { kind: "DockerImage", name: CENTOS }, {}, "late"),
    );
    const waiting = await waitFor(async () => {
      const b = await buildPhase("late-stream-1");
      return b.status?.reason === "InvalidOutputReference" ? b : undefined;
    }, "late-stream-1 to wait for its output stream");
    expect(waiting.status?.phase).toBe("New");
    expect(waiting.status?.message).toBe("Output image could not be resolved.");
    await createImageStream(h.client, ns, "late");
    const done = await waitForPhase("late-stream-1", ["Complete", "Failed"]);
    expect(done.status?.phase).toBe("Complete");
    expect(done.status?.outputDockerImageReference).toBe(`${h.registryHost}/${ns}/late:late`);
  });

  it("never completes a Build deleted while running, and cancels one with status.cancelled", async () => {
    h.builds.setBehaviour("doomed", { durationMs: 30_000 }); // 1.5 s at speed 20
    h.builds.setBehaviour("witness", { durationMs: 30_000 });
    await h.client.create(
      BUILDS,
      dockerBuild("doomed-1", "doomed", { kind: "ImageStreamTag", name: "release:base" }),
    );
    await waitForPhase("doomed-1", ["Running"]);
    await h.client.delete(BUILDS, { namespace: ns, name: "doomed-1" });
    await h.client.create(
      BUILDS,
      dockerBuild("witness-1", "witness", { kind: "ImageStreamTag", name: "release:base" }),
    );
    await waitForPhase("witness-1", ["Complete"]);
    const tags = (await stream()).status?.tags?.map((t) => t.tag) ?? [];
    expect(tags).toContain("witness");
    expect(tags).not.toContain("doomed");

    h.builds.setBehaviour("cancelled", { durationMs: 30_000 });
    await h.client.create(
      BUILDS,
      dockerBuild("cancelled-1", "cancelled", { kind: "ImageStreamTag", name: "release:base" }),
    );
    const running = await waitForPhase("cancelled-1", ["Running"]);
    await h.client.patchStatus(
      BUILDS,
      { namespace: ns, name: running.metadata.name },
      { type: "merge", body: { status: { cancelled: true } } },
    );
    expect((await waitForPhase("cancelled-1", ["Cancelled", "Complete"])).status?.phase).toBe("Cancelled");
  });

  it("builds for the CPU of its kubernetes.io/arch node selector: the base pulled and the config saying that architecture", async () => {
    const arches = ["amd64", "arm64"] as const;
    for (const arch of arches) {
      const build = dockerBuild(`arch-base-${arch}`, `arch-base-${arch}`, {
        kind: "DockerImage",
        name: CENTOS,
      });
      await h.client.create(BUILDS, {
        ...build,
        spec: { ...build.spec, nodeSelector: { "kubernetes.io/arch": arch } },
      });
      const child = dockerBuild(`arch-child-${arch}`, `arch-child-${arch}`, {
        kind: "ImageStreamTag",
        name: `release:arch-base-${arch}`,
      });
      await h.client.create(BUILDS, {
        ...child,
        spec: { ...child.spec, nodeSelector: { "kubernetes.io/arch": arch } },
      });
    }
    const store = openImageStore(`docker://${h.registryHost}/${ns}/release`, {
      insecureRegistries: [h.registryHost],
    });
    const digests = new Set<string>();
    for (const arch of arches) {
      for (const name of [`arch-base-${arch}`, `arch-child-${arch}`]) {
        const done = await waitForPhase(name, ["Complete", "Failed"]);
        expect(done.status?.phase, done.status?.message ?? "").toBe("Complete");
        const manifest = await store.getManifest(name);
        const parsed = parseManifest(manifest.bytes, manifest.mediaType);
        if (parsed.kind !== "image") throw new Error(`${name} is not an image manifest`);
        const config = JSON.parse(
          Buffer.from(await store.readBlob(parsed.manifest.config.digest)).toString("utf8"),
        ) as {
          architecture?: string;
          os?: string;
        };
        expect({ name, os: config.os, architecture: config.architecture }).toEqual({
          name,
          os: "linux",
          architecture: arch,
        });
        digests.add(manifest.digest);
      }
    }
    expect(digests.size).toBe(4);
    // A single-architecture base does not run on another CPU: the pull fails as on a real node.
    const wrong = dockerBuild("arch-wrong", "arch-wrong", {
      kind: "ImageStreamTag",
      name: "release:arch-base-amd64",
    });
    await h.client.create(BUILDS, {
      ...wrong,
      spec: { ...wrong.spec, nodeSelector: { "kubernetes.io/arch": "arm64" } },
    });
    const failed = await waitForPhase("arch-wrong", ["Complete", "Failed"]);
    expect(failed.status?.phase).toBe("Failed");
    expect(failed.status?.reason).toBe("PullBuilderImageFailed");
    expect(failed.status?.message).toContain("linux/amd64 image, and the build runs on a arm64 node");
  });

  it("gives the same digest to the same build inputs, whatever the build name or target stream", async () => {
    const det = (name: string, tag: string) => {
      const b = dockerBuild(name, "det", { kind: "DockerImage", name: CENTOS });
      return { ...b, spec: { ...b.spec, output: { to: { kind: "ImageStreamTag", name: tag } } } };
    };
    await h.client.create(BUILDS, det("det-1", "release:det"));
    const first = await waitForPhase("det-1", ["Complete"]);
    await h.client.create(BUILDS, det("det-2", "other:det"));
    const second = await waitForPhase("det-2", ["Complete"]);
    const digestOf = (b: BuildObject) =>
      (b.status as { output?: { to?: { imageDigest?: string } } }).output?.to?.imageDigest;
    expect(digestOf(first)).toBeDefined();
    expect(digestOf(second)).toBe(digestOf(first));
  });
});

describe("simulated image import", () => {
  it("imports external and registry images by spec tag generation, and reports a missing one", async () => {
    const base =
      (await stream()).status?.tags?.find((t) => t.tag === "base")?.items?.[0]?.dockerImageReference ?? "";
    await h.client.create(IMAGE_STREAMS, {
      apiVersion: "image.openshift.io/v1",
      kind: "ImageStream",
      metadata: { name: "imported", namespace: ns },
      spec: {
        tags: [
          {
            name: "kuryr-cni",
            from: { kind: "DockerImage", name: "registry.access.redhat.com/ubi9-minimal:9.4" },
            referencePolicy: { type: "Local" },
          },
          {
            name: "base",
            from: { kind: "DockerImage", name: base },
            generation: 1,
            referencePolicy: { type: "Source" },
          },
          {
            name: "missing",
            from: { kind: "DockerImage", name: `${h.registryHost}/${ns}/nothing:here` },
            generation: 1,
          },
        ],
      },
    });
    const is = await waitFor(async () => {
      const s = await stream("imported");
      const landed = ["kuryr-cni", "base"].every(
        (t) => (s.status?.tags?.find((x) => x.tag === t)?.items?.length ?? 0) > 0,
      );
      const failed = s.status?.tags?.find((x) => x.tag === "missing")?.conditions?.length ?? 0;
      return landed && failed > 0 ? s : undefined;
    }, "imports to land");
    const tag = (name: string) => is.status?.tags?.find((t) => t.tag === name);
    const specGeneration = is.spec?.tags?.find((t) => t.name === "kuryr-cni")?.generation;
    // Stamped by the API server on create (the stream's generation, 1), as OpenShift's does.
    expect(specGeneration).toBe(1);
    const kuryr = tag("kuryr-cni")?.items?.[0];
    expect(kuryr?.generation).toBe(specGeneration);
    // The item records where the image came from (its registry is unreachable here, so the mirror
    // standing in for it); the Local reference policy resolves it through the stream's repository.
    expect(kuryr?.dockerImageReference).toMatch(
      new RegExp(`^${h.registryHost}/openshift/external-[0-9a-f]+@`),
    );
    expect(kuryr?.dockerImageReference?.endsWith(`@${kuryr.image ?? ""}`)).toBe(true);
    const local = `${h.registryHost}/${ns}/imported@${kuryr?.image ?? ""}`;
    expect((await skopeoInspect(local)).Digest).toBe(kuryr?.image);
    expect(is.status?.publicDockerImageRepository).toBe(`${h.registryHost}/${ns}/imported`);
    expect(tag("base")?.items?.[0]).toMatchObject({ dockerImageReference: base, generation: 1 });
    expect(tag("missing")?.items ?? []).toHaveLength(0);
    expect(tag("missing")?.conditions?.[0]).toMatchObject({
      type: "ImportSuccess",
      status: "False",
      reason: "NotFound",
      generation: 1,
    });
  });

  itWithTools(["docker-registry"])(
    "imports from a real docker-registry with the Source policy and serves it by digest",
    async () => {
      const external = await startDockerRegistry();
      try {
        const store = openImageStore(`docker://${external.host}/team/tool`, {
          insecureRegistries: [external.host],
        });
        const image = await buildSyntheticImage({
          destination: store,
          tag: "v1",
          files: [{ type: "file", path: "bin/tool", content: "tool\n" }],
        });
        await h.client.create(IMAGE_STREAMS, {
          apiVersion: "image.openshift.io/v1",
          kind: "ImageStream",
          metadata: { name: "tools", namespace: ns },
          spec: {
            tags: [
              {
                name: "tool",
                from: { kind: "DockerImage", name: `${external.host}/team/tool:v1` },
                referencePolicy: { type: "Source" },
              },
            ],
          },
        });
        const item = await waitFor(
          async () => (await stream("tools")).status?.tags?.find((t) => t.tag === "tool")?.items?.[0],
          "the tool import",
        );
        expect(item.image).toBe(image.digest);
        expect(item.dockerImageReference).toBe(`${external.host}/team/tool@${image.digest}`);
        expect((await skopeoInspect(`${h.registryHost}/${ns}/tools@${image.digest}`)).Digest).toBe(
          image.digest,
        );
      } finally {
        await external.stop();
      }
    },
  );
});

describe("simulated Shipwright BuildRuns", () => {
  it("runs a BuildRun with an embedded build spec to Succeeded with the output digest", async () => {
    const base =
      (await stream()).status?.tags?.find((t) => t.tag === "base")?.items?.[0]?.dockerImageReference ?? "";
    await installOkdPayloadStrategy(h.client);
    const run = await runCorednsBuildRun(h.client, ns, `${h.registryHost}/${ns}/release:coredns`, [
      { name: "from", value: base },
    ]);
    expect(run.status?.conditions?.[0]).toMatchObject({
      type: "Succeeded",
      status: "True",
      reason: "Succeeded",
    });
    const status = run.status as Record<string, unknown> & { output?: { digest?: string } };
    expect(status.output?.digest).toMatch(/^sha256:/);
    expect(typeof status["startTime"]).toBe("string");
    expect(typeof status["completionTime"]).toBe("string");
    const inspected = await skopeoInspect(`${h.registryHost}/${ns}/release:coredns`);
    expect(inspected.Digest).toBe(status.output?.digest);
    expect(inspected.Layers).toHaveLength(3);
  });

  async function finishedRun(name: string, strategy: Record<string, unknown>, params: unknown[] = []) {
    await h.client.create(BUILD_RUNS, {
      apiVersion: "shipwright.io/v1beta1",
      kind: "BuildRun",
      metadata: { name, namespace: ns },
      spec: {
        build: {
          spec: {
            source: { type: "Git", git: { url: "https://github.com/openshift/coredns" } },
            strategy,
            paramValues: params,
            output: { image: `${h.registryHost}/${ns}/release:${name}` },
          },
        },
      },
    });
    return waitFor(async () => {
      const r = await h.client.get(BUILD_RUNS, { namespace: ns, name });
      const c = r.status?.conditions?.find((x) => x.type === "Succeeded");
      return c !== undefined && c.status !== "Unknown" ? { run: r, succeeded: c } : undefined;
    }, `BuildRun ${name} to finish`);
  }

  it("fails a run whose strategy does not exist, as Shipwright does (no pod)", async () => {
    const { run, succeeded } = await finishedRun("nostrategy-1", {
      kind: "ClusterBuildStrategy",
      name: "buildah",
    });
    expect(succeeded).toMatchObject({ status: "False", reason: "ClusterBuildStrategyNotFound" });
    expect(succeeded.message).toContain('"buildah" not found');
    expect(run.status?.startTime ?? undefined).toBeUndefined();
  });

  it("fails a run setting parameters the stock buildah strategy does not declare, naming them", async () => {
    await installStockBuildahStrategy(h.client);
    const { succeeded } = await finishedRun(
      "stock-1",
      { kind: "ClusterBuildStrategy", name: STOCK_BUILDAH_STRATEGY },
      [
        { name: "dockerfile", value: "Dockerfile" },
        { name: "from", value: CENTOS },
        { name: "inputs", values: [{ value: CENTOS }] },
      ],
    );
    expect(succeeded).toMatchObject({
      status: "False",
      reason: "UndefinedParameter",
      message: "The following parameters are not defined in the build strategy: from, inputs",
    });
  });

  it("fails a run whose stepResources name a step the strategy lacks, or whose array parameter gets one value", async () => {
    await installOkdPayloadStrategy(h.client);
    const step = await finishedRun("steps-1", {
      kind: "ClusterBuildStrategy",
      name: "okd-payload-buildah",
      stepResources: [{ name: "build", resources: { limits: { memory: "8Gi" } } }],
    });
    expect(step.succeeded).toMatchObject({ status: "False", reason: "UndefinedStepResource" });
    const typed = await finishedRun(
      "typed-1",
      { kind: "ClusterBuildStrategy", name: "okd-payload-buildah" },
      [{ name: "inputs", value: CENTOS }],
    );
    expect(typed.succeeded).toMatchObject({
      status: "False",
      reason: "WrongParameterValueType",
      message: "The values for the following parameters are using the wrong type: inputs",
    });
  });
});
