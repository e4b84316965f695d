import { describe, expect, it } from "vitest";
import { BuildBackendError } from "../../../src/builds/build-backend.js";
import { createOpenShiftBackend } from "../../../src/builds/openshift-backend.js";
import type { KubeObject } from "../../../src/kube/kube-object.js";
import {
  DNS_LABEL_LIKE,
  REPOSITORY,
  component,
  digest,
  imageStream,
  landedTag,
  payloadBuild,
  request,
} from "./fixtures.js";

const payload = payloadBuild(
  [
    { name: "base", image: "quay.io/centos/centos:stream9" },
    {
      name: "builder",
      source: { git: { uri: "https://github.com/okd-project/images" }, contextDir: "builder" },
    },
    {
      name: "cluster-dns-operator",
      source: {
        git: { uri: "https://github.com/openshift/cluster-dns-operator", ref: "release-4.17" },
        contextDir: ".",
      },
      dockerfile: "Dockerfile.rhel",
      from: "base",
      inputs: [
        {
          from: "quay.io/openshift/origin-cli:4.17",
          paths: [{ sourcePath: "/usr/bin/oc", destinationDir: "bin" }],
        },
      ],
      buildArgs: { TAGS: "scos", GOFLAGS: "-mod=vendor" },
      env: { VERSION: "4.17" },
      resources: { requests: { cpu: "2", memory: "4Gi" } },
    },
  ],
  {
    defaults: {
      inputs: [
        { from: "builder", as: ["registry.ci.openshift.org/ocp/builder:rhel-9-golang-1.22-openshift-4.17"] },
      ],
    },
  },
);
const baseImage = `${REPOSITORY}@${digest("b")}`;
const builderImage = `${REPOSITORY}@${digest("c")}`;
const dnsRequest = request(payload, "cluster-dns-operator", {
  attempt: 2,
  inputHash: digest("9"),
  dependencyImages: { base: baseImage, builder: builderImage },
});

describe("openshift backend: desired objects", () => {
  const backend = createOpenShiftBackend({ pushSecret: "push-creds", serviceAccount: "builder" });
  const objects = backend.desiredObjects(dnsRequest);
  const [build] = objects;

  it("creates only a Build for the attempt: no BuildConfig whose history pruning or oc start-build would interfere", () => {
    expect(objects).toHaveLength(1);
    expect(build?.metadata.labels).not.toHaveProperty(["openshift.io/build-config.name"]);
    expect(build?.metadata.annotations).not.toHaveProperty(["openshift.io/build-config.name"]);
    expect(build).toMatchObject({
      apiVersion: "build.openshift.io/v1",
      kind: "Build",
      metadata: {
        name: "okd-4-17-cluster-dns-operator-2",
        namespace: "okd",
        labels: {
          "payload.okd.io/payload-build": "okd-4-17",
          "payload.okd.io/component": "cluster-dns-operator",
          "payload.okd.io/attempt": "2",
          "openshift.io/build.start-policy": "Parallel",
        },
        annotations: { "payload.okd.io/input-hash": digest("9") },
        ownerReferences: [
          {
            apiVersion: "payload.okd.io/v1alpha1",
            kind: "PayloadBuild",
            name: "okd-4-17",
            uid: "uid-1",
            controller: true,
          },
        ],
      },
    });
  });

  it("maps source, Dockerfile, args, env, from and inputs to the Docker strategy", () => {
    expect(build?.["spec"]).toMatchObject({
      serviceAccount: "builder",
      source: {
        type: "Git",
        git: { uri: "https://github.com/openshift/cluster-dns-operator", ref: "release-4.17" },
        contextDir: ".",
        images: [
          {
            from: { kind: "DockerImage", name: "quay.io/openshift/origin-cli:4.17" },
            paths: [{ sourcePath: "/usr/bin/oc", destinationDir: "bin" }],
          },
          {
            from: { kind: "DockerImage", name: builderImage },
            as: ["registry.ci.openshift.org/ocp/builder:rhel-9-golang-1.22-openshift-4.17"],
          },
        ],
      },
      strategy: {
        type: "Docker",
        dockerStrategy: {
          from: { kind: "DockerImage", name: baseImage },
          dockerfilePath: "Dockerfile.rhel",
          buildArgs: [
            { name: "GOFLAGS", value: "-mod=vendor" },
            { name: "TAGS", value: "scos" },
          ],
          env: [{ name: "VERSION", value: "4.17" }],
        },
      },
      output: {
        to: { kind: "ImageStreamTag", name: "release:cluster-dns-operator" },
        pushSecret: { name: "push-creds" },
        imageLabels: [{ name: "io.okd.payload.input-hash", value: digest("9") }],
      },
      resources: { requests: { cpu: "2", memory: "4Gi" } },
    });
  });

  it("is deterministic", () => {
    expect(backend.desiredObjects(dnsRequest)).toEqual(backend.desiredObjects(dnsRequest));
  });

  it("omits what the component does not set", () => {
    const [plain] = createOpenShiftBackend().desiredObjects(
      request(payload, "builder", { dependencyImages: {} }),
    );
    const spec = plain?.["spec"] as Record<string, unknown>;
    expect(spec["serviceAccount"]).toBeUndefined();
    expect(spec["resources"]).toBeUndefined();
    expect(spec["strategy"]).toEqual({ type: "Docker", dockerStrategy: {} });
    expect(spec["output"]).toEqual({
      to: { kind: "ImageStreamTag", name: "release:builder" },
      imageLabels: [{ name: "io.okd.payload.input-hash", value: digest("f") }],
    });
  });

  it("refuses to build before a dependency has landed, naming it", () => {
    expect(() =>
      backend.desiredObjects({ ...dnsRequest, dependencyImages: { builder: builderImage } }),
    ).toThrow(BuildBackendError);
    expect(() =>
      backend.desiredObjects({ ...dnsRequest, dependencyImages: { builder: builderImage } }),
    ).toThrow(/cluster-dns-operator: spec\.components\[2\]\.from names component base/);
  });

  it("gives valid, distinct, short names for 200-character payload and component names", () => {
    const longComponent = `c${"o".repeat(61)}x`;
    const longPayload = payloadBuild(
      [{ name: longComponent, source: { git: { uri: "https://x/y" } } }],
      {},
      `p${"a".repeat(198)}z`,
    );
    const names = [1, 2, 10].flatMap((attempt) =>
      createOpenShiftBackend()
        .desiredObjects(request(longPayload, longComponent, { attempt }))
        .map((o) => o.metadata.name),
    );
    for (const name of names) {
      expect(name.length).toBeLessThanOrEqual(63);
      expect(name).toMatch(DNS_LABEL_LIKE);
    }
    expect(new Set(names.filter((n) => /-(1|2|10)$/.test(n))).size).toBeGreaterThanOrEqual(3);
    const build = createOpenShiftBackend().desiredObjects(
      request(longPayload, longComponent, { attempt: 10 }),
    )[0];
    for (const value of Object.values(build?.metadata.labels ?? {})) {
      expect(value.length).toBeLessThanOrEqual(63);
      expect(value).toMatch(/^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/);
    }
  });
});

describe("openshift backend: observing an attempt", () => {
  const backend = createOpenShiftBackend();
  const dns = component(payload, "cluster-dns-operator");
  const buildObject = (
    status: Record<string, unknown> | undefined,
    kind: string | undefined = "Build",
  ): KubeObject => ({
    ...(kind === undefined ? {} : { kind, apiVersion: "build.openshift.io/v1" }),
    metadata: {
      name: "okd-4-17-cluster-dns-operator-1",
      namespace: "okd",
      labels: { "payload.okd.io/component": "cluster-dns-operator" },
      annotations: { "payload.okd.io/input-hash": digest("9") },
    },
    ...(status === undefined ? {} : { status }),
  });
  const observe = (objects: KubeObject[], stream = imageStream()) =>
    backend.observeAttempt({
      payloadBuild: payload,
      component: dns,
      attempt: 1,
      objects,
      imageStream: stream,
    });

  it("is Missing without the Build (a BuildConfig of the same name does not count)", () => {
    expect(observe([])).toEqual({ phase: "Missing" });
    expect(observe([{ ...buildObject(undefined), kind: "BuildConfig" }])).toEqual({ phase: "Missing" });
    expect(observe([buildObject(undefined)], imageStream()).phase).toBe("Pending");
    const otherAttempt = {
      ...buildObject({ phase: "Running" }),
      metadata: { name: "okd-4-17-cluster-dns-operator-2" },
    };
    expect(observe([otherAttempt])).toEqual({ phase: "Missing" });
  });

  it("does not take another component's BuildConfig of the same name for the Build (list items have no kind)", () => {
    const configOfComponentNamedX1 = {
      metadata: {
        name: "okd-4-17-cluster-dns-operator-1",
        labels: { "payload.okd.io/component": "cluster-dns-operator-1" },
      },
    };
    expect(observe([configOfComponentNamedX1])).toEqual({ phase: "Missing" });
  });

  it("maps New and Pending to Pending, Running to Running, with the input hash", () => {
    expect(observe([buildObject({ phase: "New" })])).toMatchObject({
      phase: "Pending",
      inputHash: digest("9"),
    });
    expect(observe([buildObject({ phase: "Pending" })]).phase).toBe("Pending");
    expect(
      observe([buildObject({ phase: "Running", startTimestamp: "2026-11-21T00:00:00Z" })]),
    ).toMatchObject({
      phase: "Running",
      objectName: "okd-4-17-cluster-dns-operator-1",
      startedAt: "2026-11-21T00:00:00Z",
    });
  });

  it("reads list items, which carry no kind", () => {
    expect(observe([buildObject({ phase: "Running" }, undefined)]).phase).toBe("Running");
  });

  it("is Succeeded and landed once the ImageStream tag holds the Build's digest", () => {
    const complete = buildObject({
      phase: "Complete",
      completionTimestamp: "2026-11-21T00:05:00Z",
      outputDockerImageReference: `${REPOSITORY}:cluster-dns-operator`,
      output: { to: { imageDigest: digest("d") } },
    });
    const landed = observe(
      [complete],
      imageStream({ statusTags: [landedTag("cluster-dns-operator", digest("d"))] }),
    );
    expect(landed).toMatchObject({
      phase: "Succeeded",
      digest: digest("d"),
      outputPullspec: `${REPOSITORY}@${digest("d")}`,
      completedAt: "2026-11-21T00:05:00Z",
      landed: { landed: true, pullspec: `${REPOSITORY}@${digest("d")}` },
    });
    const notYet = observe([complete], imageStream());
    expect(notYet).toMatchObject({ phase: "Succeeded", landed: { landed: false } });
    const older = observe(
      [complete],
      imageStream({ statusTags: [landedTag("cluster-dns-operator", digest("0"))] }),
    );
    expect(older).toMatchObject({ phase: "Succeeded", landed: { landed: false } });
    expect(older.phase === "Succeeded" && !older.landed.landed ? older.landed.reason : "").toContain(
      digest("d"),
    );
  });

  it("keeps a Complete Build without an output digest Running", () => {
    expect(observe([buildObject({ phase: "Complete" })]).phase).toBe("Running");
  });

  it("maps Failed, Error and Cancelled to Failed with reason, message and log snippet", () => {
    const failed = observe([
      buildObject({
        phase: "Failed",
        reason: "DockerBuildFailed",
        message: "Docker build strategy has failed.",
        logSnippet: "error: go build",
      }),
    ]);
    expect(failed).toEqual(
      expect.objectContaining({
        phase: "Failed",
        reason: "DockerBuildFailed",
        message: "Docker build strategy has failed.",
        logSnippet: "error: go build",
      }),
    );
    expect(observe([buildObject({ phase: "Error" })])).toMatchObject({
      phase: "Failed",
      reason: "BuildError",
    });
    const cancelled = observe([buildObject({ phase: "Cancelled" })]);
    expect(cancelled).toMatchObject({ phase: "Failed", reason: "BuildCancelled" });
    expect(cancelled.phase === "Failed" ? cancelled.message : "").toContain("cluster-dns-operator");
  });

  it("writes no ImageStream tags", () => {
    expect(backend.desiredTags(dns, observe([]))).toEqual([]);
  });
});

describe("openshift backend: an image source OpenShift would refuse", () => {
  it("never emits an input with neither as nor paths", () => {
    const bare = payloadBuild([
      { name: "base", source: { git: { uri: "https://x/base" } } },
      { name: "cli", source: { git: { uri: "https://x/cli" } }, inputs: [{ from: "base" }] },
    ]);
    expect(() =>
      createOpenShiftBackend().desiredObjects(
        request(bare, "cli", {
          dependencyImages: { base: "registry.example/ns/release@sha256:" + "a".repeat(64) },
        }),
      ),
    ).toThrow(/spec\.components\[1\]\.inputs\[0\] \(base\) has neither as nor paths/);
  });
});
