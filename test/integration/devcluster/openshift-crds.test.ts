/**
 * The OpenShift and Shipwright kinds served from the CRDs of test/control-plane/crds/: what the
 * operator's backends write for the sample payload is accepted, what openshift-apiserver (or
 * Shipwright's controller-gen schema) would reject gets a 422 naming the field, and discovery
 * lists the kinds with their short names, categories and subresources.
 */
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { parsePayloadBuild } from "../../../src/api/payload-build.js";
import type { PayloadBuildRef } from "../../../src/builds/build-backend.js";
import { BUILD_RUNS, BUILDS, IMAGE_STREAMS } from "../../../src/builds/build-resources.js";
import { desiredImageStreamTags, mergeSpecTags } from "../../../src/builds/image-stream-tags.js";
import { createOpenShiftBackend } from "../../../src/builds/openshift-backend.js";
import { createPrebuiltBackend } from "../../../src/builds/prebuilt-backend.js";
import { createShipwrightBackend } from "../../../src/builds/shipwright-backend.js";
import { InvalidError } from "../../../src/kube/kube-errors.js";
import type { KubeClient } from "../../../src/kube/kube-client.js";
import { kubeResource } from "../../../src/kube/resource.js";
import { PAYLOAD_BUILDS } from "../../../src/payload-build/payload-build-controller.js";
import { resolveComponent } from "../../../src/payload-build/resolve-component.js";
import {
  createNamespace,
  startClusterAndClient,
  useDevCluster,
  type ClusterAndClient,
} from "../../support/dev-cluster-fixture.js";

let client: KubeClient;
let url: string;
useDevCluster(startClusterAndClient, (started: ClusterAndClient) => {
  client = started.client;
  url = started.cluster.url;
});

const REPOSITORY = "image-registry.openshift-image-registry.svc:5000/okd-build/release";
const digestOf = (c: string): string => `sha256:${c.repeat(64)}`;

const SHIPWRIGHT_BUILDS = kubeResource({
  group: "shipwright.io",
  version: "v1beta1",
  kind: "Build",
  plural: "builds",
  namespaced: true,
});
const CLUSTER_BUILD_STRATEGIES = kubeResource({
  group: "shipwright.io",
  version: "v1beta1",
  kind: "ClusterBuildStrategy",
  plural: "clusterbuildstrategies",
  namespaced: false,
});

/** The sample PayloadBuild, created in a fresh namespace (its uid owns what the backends produce). */
async function samplePayloadBuild(): Promise<PayloadBuildRef> {
  const parsed = parsePayloadBuild(parseYaml(await readFile("config/samples/payloadbuild.yaml", "utf8")));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  const namespace = await createNamespace(client, "crds");
  const created = await client.create(PAYLOAD_BUILDS, {
    apiVersion: "payload.okd.io/v1alpha1",
    kind: "PayloadBuild",
    metadata: { name: parsed.value.metadata.name, namespace },
    spec: parsed.value.spec,
  });
  return { metadata: created.metadata, spec: parsed.value.spec };
}

/** Attempt 1 of every built component, every other component already landed. */
function requests(payload: PayloadBuildRef) {
  const landed = Object.fromEntries(
    payload.spec.components.map((c, i) => [c.name, `${REPOSITORY}@${digestOf((i % 16).toString(16))}`]),
  );
  return payload.spec.components
    .map((_, i) => resolveComponent(payload.spec, i))
    .filter((component) => component.spec.image === undefined)
    .map((component) => ({
      payloadBuild: payload,
      component,
      attempt: 1,
      inputHash: digestOf("f"),
      dependencyImages: landed,
      imageStreamRepository: REPOSITORY,
    }));
}

/**
 * The 422 of `call`, with the fields its causes name (a real kube-apiserver adds a `<nil>` cause
 * when schema errors kept it from evaluating the CEL rules).
 */
async function rejection(call: () => Promise<unknown>): Promise<{ fields: string[]; message: string }> {
  try {
    await call();
  } catch (e) {
    if (e instanceof InvalidError)
      return {
        fields: (e.status?.details?.causes ?? []).map((c) => c.field ?? ""),
        message: e.message,
      };
    throw e;
  }
  throw new Error("expected a 422 Invalid");
}

describe("OpenShift and Shipwright CRDs: what the operator writes", () => {
  it("accepts the Build of every component of the sample payload (openshift backend: Builds, no BuildConfig)", async () => {
    const payload = await samplePayloadBuild();
    const backend = createOpenShiftBackend({ pushSecret: "push-creds", serviceAccount: "builder" });
    const all = requests(payload);
    expect(all.length).toBeGreaterThan(20);
    for (const request of all) {
      const objects = backend.desiredObjects(request);
      expect(objects.map((o) => o.kind)).toEqual(["Build"]);
      const [build] = objects;
      if (build === undefined) throw new Error("expected a Build");
      const created = await client.create(BUILDS, build);
      expect(created.spec).toEqual(build["spec"]);
      expect(created.spec).toMatchObject({ strategy: { type: "Docker" } });
    }
  });

  it("accepts the BuildRun of every component of the sample payload (shipwright backend)", async () => {
    const payload = await samplePayloadBuild();
    const backend = createShipwrightBackend({
      pushSecret: "push-creds",
      serviceAccount: "builder",
      shipwrightTimeout: "1h",
    });
    for (const request of requests(payload)) {
      const [buildRun] = backend.desiredObjects(request);
      if (buildRun === undefined) throw new Error("expected a BuildRun");
      const created = await client.create(BUILD_RUNS, buildRun);
      expect(created.spec).toEqual(buildRun["spec"]);
    }
  });

  it("accepts the ImageStream the operator creates and the spec tags it merges in later", async () => {
    const payload = await samplePayloadBuild();
    const namespace = payload.metadata.namespace ?? "";
    const prebuilt = payload.spec.components
      .map((_, i) => resolveComponent(payload.spec, i))
      .filter((c) => c.spec.image !== undefined);
    const tags = mergeSpecTags(
      undefined,
      prebuilt.flatMap((c) => createPrebuiltBackend().desiredTags(c, { phase: "Missing" })),
    );
    // As act-payload-build.ts writes it.
    const stream = await client.create(IMAGE_STREAMS, {
      apiVersion: "image.openshift.io/v1",
      kind: "ImageStream",
      metadata: {
        name: payload.spec.imageStream,
        namespace,
        labels: { "payload.okd.io/payload-build": payload.metadata.name ?? "" },
        ownerReferences: [
          {
            apiVersion: "payload.okd.io/v1alpha1",
            kind: "PayloadBuild",
            name: payload.metadata.name ?? "",
            uid: payload.metadata.uid ?? "",
          },
        ],
      },
      spec: { lookupPolicy: { local: false }, tags },
    });
    // Defaults of openshift-apiserver; the generation is the dev cluster's ImageStream strategy's.
    expect(stream.spec?.tags?.map((t) => [t.name, t.referencePolicy?.type, t.importPolicy])).toEqual([
      ["kuryr-cni", "Local", { importMode: "Legacy" }],
    ]);
    // A Shipwright output lands: the stream is replaced with one more spec tag.
    const next = mergeSpecTags(
      stream,
      desiredImageStreamTags([{ tag: "cli", pullspec: `${REPOSITORY}@${digestOf("c")}` }]),
    );
    const replaced = await client.replace(IMAGE_STREAMS, { ...stream, spec: { ...stream.spec, tags: next } });
    expect(replaced.spec?.tags?.map((t) => t.name)).toEqual(["kuryr-cni", "cli"]);
  });
});

describe("OpenShift and Shipwright CRDs: Shipwright strategies", () => {
  it("accepts Shipwright's buildah sample strategy (its script shortened), keeping volume sources as sent", async () => {
    // samples/v1beta1/buildstrategy/buildah/buildstrategy_buildah_shipwright_managed_push_cr.yaml
    const strategy = await client.create(CLUSTER_BUILD_STRATEGIES, {
      apiVersion: "shipwright.io/v1beta1",
      kind: "ClusterBuildStrategy",
      metadata: { name: "buildah-shipwright-managed-push" },
      spec: {
        steps: [
          {
            name: "build",
            image: "quay.io/containers/buildah:v1.43.0",
            imagePullPolicy: "Always",
            workingDir: "$(params.shp-source-root)",
            securityContext: { privileged: true, readOnlyRootFilesystem: true },
            volumeMounts: [
              { name: "shp-buildah-container-storage", mountPath: "/var/lib/containers" },
              { name: "shp-tmp", mountPath: "/shp-tmp" },
            ],
            env: [{ name: "TMPDIR", value: "/shp-tmp" }],
            command: ["/bin/bash"],
            args: ["-c", 'buildah bud --file="$(params.dockerfile)" .', "--", "$(params.build-args[*])"],
            resources: { limits: { cpu: "1", memory: "2Gi" }, requests: { cpu: "250m", memory: "65Mi" } },
          },
        ],
        parameters: [
          { name: "build-args", description: "KEY=VALUE build args.", type: "array", defaults: [] },
          { name: "dockerfile", description: "The Dockerfile.", type: "string", default: "Dockerfile" },
        ],
        volumes: [
          { name: "shp-buildah-container-storage", emptyDir: {} },
          { name: "shp-tmp", emptyDir: {} },
        ],
        securityContext: { runAsUser: 0, runAsGroup: 0 },
      },
    });
    expect(strategy["spec"]).toMatchObject({
      volumes: [
        { name: "shp-buildah-container-storage", emptyDir: {} },
        { name: "shp-tmp", emptyDir: {} },
      ],
      steps: [{ securityContext: { privileged: true, readOnlyRootFilesystem: true } }],
    });
  });
});

describe("OpenShift and Shipwright CRDs: what the real API rejects", () => {
  const dockerBuild = (namespace: string, spec: Record<string, unknown>): Record<string, unknown> => ({
    apiVersion: "build.openshift.io/v1",
    kind: "Build",
    metadata: { name: "b", namespace },
    spec: {
      source: { type: "Git", git: { uri: "https://github.com/openshift/oc" } },
      strategy: { type: "Docker", dockerStrategy: {} },
      output: { to: { kind: "ImageStreamTag", name: "release:cli" } },
      ...spec,
    },
  });

  it("rejects a Build whose strategy type is not one of Docker, Source, Custom, JenkinsPipeline", async () => {
    const ns = await createNamespace(client, "crds");
    const r = await rejection(() =>
      client.create(BUILDS, dockerBuild(ns, { strategy: { type: "Dockr", dockerStrategy: {} } }) as never),
    );
    expect(r.fields).toContain("spec.strategy.type");
  });

  it("rejects a Build without a strategy, or with two", async () => {
    const ns = await createNamespace(client, "crds");
    expect(
      (await rejection(() => client.create(BUILDS, dockerBuild(ns, { strategy: undefined }) as never)))
        .fields,
    ).toContain("spec.strategy");
    const two = await rejection(() =>
      client.create(
        BUILDS,
        dockerBuild(ns, {
          strategy: {
            dockerStrategy: {},
            sourceStrategy: { from: { kind: "DockerImage", name: "quay.io/a/b:c" } },
          },
        }) as never,
      ),
    );
    expect(two.fields).toContain("spec.strategy");
    expect(two.message).toContain("exactly one of sourceStrategy, customStrategy, dockerStrategy");
  });

  it("rejects output kinds, labels and image sources openshift-apiserver refuses", async () => {
    const ns = await createNamespace(client, "crds");
    const create = (spec: Record<string, unknown>) =>
      rejection(() => client.create(BUILDS, dockerBuild(ns, spec) as never));
    expect(
      (await create({ output: { to: { kind: "ImageStreamImage", name: "release@sha256:aa" } } })).fields,
    ).toContain("spec.output.to.kind");
    expect((await create({ output: { to: { kind: "ImageStreamTag", name: "release" } } })).fields).toContain(
      "spec.output.to.name",
    );
    expect(
      (await create({ output: { imageLabels: [{ name: "payload.okd.io/input-hash", value: "x" }] } })).fields,
    ).toContain("spec.output.imageLabels[0].name");
    expect(
      (
        await create({
          source: { images: [{ from: { kind: "DockerImage", name: "quay.io/a/b:c" } }] },
        })
      ).fields,
    ).toContain("spec.source.images[0]");
    expect((await create({ source: { contextDir: "images" } })).fields).toContain("spec.source");
  });

  it("rejects a phase change of a finished Build", async () => {
    const ns = await createNamespace(client, "crds");
    const build = await client.create(BUILDS, dockerBuild(ns, {}) as never);
    const complete = await client.replaceStatus(BUILDS, { ...build, status: { phase: "Complete" } });
    const r = await rejection(() =>
      client.replaceStatus(BUILDS, { ...complete, status: { phase: "Running" } }),
    );
    expect(r.fields).toEqual(["status.phase"]);
    expect(r.message).toContain("phase cannot be updated from a terminal state");
  });

  it("rejects an ImageStream tag without a name, a bad tag source and a bad stream name", async () => {
    const ns = await createNamespace(client, "crds");
    const stream = (name: string, tags: unknown[]) => ({
      apiVersion: "image.openshift.io/v1",
      kind: "ImageStream",
      metadata: { name, namespace: ns },
      spec: { tags },
    });
    expect(
      (
        await rejection(() =>
          client.create(
            IMAGE_STREAMS,
            stream("release", [{ from: { kind: "DockerImage", name: "quay.io/a/b:c" } }]),
          ),
        )
      ).fields,
    ).toContain("spec.tags[0].name");
    expect(
      (
        await rejection(() =>
          client.create(
            IMAGE_STREAMS,
            stream("release", [{ name: "a", from: { kind: "Image", name: "x" } }]),
          ),
        )
      ).fields,
    ).toContain("spec.tags[0].from.kind");
    expect(
      (
        await rejection(() =>
          client.create(
            IMAGE_STREAMS,
            stream("release", [{ name: "a", referencePolicy: { type: "Remote" } }]),
          ),
        )
      ).fields,
    ).toContain("spec.tags[0].referencePolicy.type");
    expect((await rejection(() => client.create(IMAGE_STREAMS, stream("a--b", [])))).message).toContain(
      "metadata.name must be an image stream name",
    );
  });

  it("rejects a BuildRun whose spec.build.name is not a string, and conditions missing required fields", async () => {
    const ns = await createNamespace(client, "crds");
    const buildRun = (build: unknown) => ({
      apiVersion: "shipwright.io/v1beta1",
      kind: "BuildRun",
      metadata: { name: "r", namespace: ns },
      spec: { build },
    });
    expect((await rejection(() => client.create(BUILD_RUNS, buildRun({ name: 42 })))).fields).toContain(
      "spec.build.name",
    );
    expect(
      (
        await rejection(() =>
          client.create(BUILD_RUNS, buildRun({ spec: { strategy: { name: "buildah" } } })),
        )
      ).fields,
    ).toContain("spec.build.spec.output");
    const run = await client.create(BUILD_RUNS, buildRun({ name: "b" }));
    const r = await rejection(() =>
      client.replaceStatus(BUILD_RUNS, {
        ...run,
        status: { conditions: [{ type: "Succeeded", status: "Unknown", reason: "Pending" }] },
      }),
    );
    expect(r.fields).toEqual(
      expect.arrayContaining(["status.conditions[0].lastTransitionTime", "status.conditions[0].message"]),
    );
  });

  it("rejects a Shipwright Build without output.image and a strategy without steps", async () => {
    const ns = await createNamespace(client, "crds");
    const r = await rejection(() =>
      client.create(SHIPWRIGHT_BUILDS, {
        apiVersion: "shipwright.io/v1beta1",
        kind: "Build",
        metadata: { name: "b", namespace: ns },
        spec: { strategy: { name: "buildah", kind: "ClusterBuildStrategy" }, output: {} },
      }),
    );
    expect(r.fields).toContain("spec.output.image");
    const s = await rejection(() =>
      client.create(CLUSTER_BUILD_STRATEGIES, {
        apiVersion: "shipwright.io/v1beta1",
        kind: "ClusterBuildStrategy",
        metadata: { name: "buildah-bad" },
        spec: { parameters: [{ name: "dockerfile", description: "The Dockerfile" }] },
      }),
    );
    expect(s.fields).toContain("spec.steps");
  });
});

describe("OpenShift and Shipwright CRDs: discovery", () => {
  const resources = async (groupVersion: string) => {
    const res = await fetch(`${url}/apis/${groupVersion}`);
    const body = (await res.json()) as {
      resources: {
        name: string;
        kind: string;
        namespaced: boolean;
        shortNames?: string[];
        categories?: string[];
      }[];
    };
    return Object.fromEntries(body.resources.map((r) => [r.name, r]));
  };

  it("lists the kinds with the short names, categories and subresources of the real APIs", async () => {
    const build = await resources("build.openshift.io/v1");
    expect(build["buildconfigs"]).toMatchObject({
      kind: "BuildConfig",
      shortNames: ["bc"],
      categories: ["all"],
    });
    expect(build["buildconfigs/instantiate"]).toMatchObject({ kind: "BuildRequest" });
    expect(build["builds"]).toMatchObject({ kind: "Build", categories: ["all"] });
    expect(build["builds/status"]).toBeDefined();
    const image = await resources("image.openshift.io/v1");
    expect(image["imagestreams"]).toMatchObject({
      kind: "ImageStream",
      shortNames: ["is"],
      categories: ["all"],
    });
    const shipwright = await resources("shipwright.io/v1beta1");
    expect(shipwright["buildruns"]).toMatchObject({ kind: "BuildRun", shortNames: ["br", "brs"] });
    expect(shipwright["buildstrategies"]).toMatchObject({ shortNames: ["bs", "bss"], namespaced: true });
    expect(shipwright["clusterbuildstrategies"]).toMatchObject({
      shortNames: ["cbs", "cbss"],
      namespaced: false,
    });
    expect(shipwright["builds"]?.categories).toBeUndefined();
  });
});
