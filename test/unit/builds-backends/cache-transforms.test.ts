import { describe, expect, it } from "vitest";
import type { AttemptState, BuildBackend } from "../../../src/builds/build-backend.js";
import {
  trimCachedBuild,
  trimCachedBuildRun,
  trimCachedImageStream,
} from "../../../src/builds/cache-transforms.js";
import { imageStreamTagLanded } from "../../../src/builds/image-stream-tags.js";
import { createOpenShiftBackend } from "../../../src/builds/openshift-backend.js";
import { createShipwrightBackend } from "../../../src/builds/shipwright-backend.js";
import type { KubeObject } from "../../../src/kube/kube-object.js";
import { REPOSITORY, component, digest, imageStream, landedTag, payloadBuild, request } from "./fixtures.js";

const payload = payloadBuild([
  { name: "base", image: "quay.io/centos/centos:stream9" },
  {
    name: "console",
    source: {
      git: { uri: "https://github.com/openshift/console", ref: "release-4.17" },
      contextDir: "frontend",
    },
    dockerfile: "Dockerfile.product",
    from: "base",
    buildArgs: { B: "2", A: "1" },
    env: { GOFLAGS: "-mod=vendor" },
    resources: { requests: { cpu: "4", memory: "8Gi" } },
  },
]);
const consoleRequest = request(payload, "console", {
  inputHash: digest("7"),
  dependencyImages: { base: `${REPOSITORY}@${digest("b")}` },
});
const consoleComponent = component(payload, "console");
const landedStream = (image: string) => imageStream({ statusTags: [landedTag("console", image)] });

/** `object` as the API server returns it: server-set metadata and the given status. */
function served(object: KubeObject, status: Record<string, unknown>): KubeObject {
  return {
    ...object,
    metadata: {
      ...object.metadata,
      uid: "uid-b",
      resourceVersion: "42",
      generation: 1,
      creationTimestamp: "2026-11-21T00:00:00Z",
    },
    status,
  };
}

/** `backend` observes `trim(object)` as it observes `object`, with the component's tag landed or not. */
function expectObservedAlike(
  backend: BuildBackend,
  trim: (object: KubeObject) => KubeObject,
  object: KubeObject,
): void {
  for (const stream of [imageStream(), landedStream(digest("d"))]) {
    const observe = (o: KubeObject): AttemptState =>
      backend.observeAttempt({
        payloadBuild: payload,
        component: consoleComponent,
        attempt: 1,
        objects: [o],
        imageStream: stream,
      });
    expect(observe(trim(object))).toEqual(observe(object));
  }
}

describe("trimCachedBuild", () => {
  const backend = createOpenShiftBackend({ pushSecret: "push-creds", serviceAccount: "builder" });
  const [created] = backend.desiredObjects(consoleRequest);
  if (created === undefined) throw new Error("no Build");
  const statuses: Record<string, unknown>[] = [
    { phase: "New", config: { name: "x" }, conditions: [{ type: "New", status: "True" }] },
    { phase: "Running", startTimestamp: "2026-11-21T00:01:00Z", stages: [{ name: "FetchInputs" }] },
    {
      phase: "Complete",
      startTimestamp: "2026-11-21T00:01:00Z",
      completionTimestamp: "2026-11-21T00:05:00Z",
      duration: 240_000_000_000,
      outputDockerImageReference: `${REPOSITORY}:console`,
      output: { to: { imageDigest: digest("d") } },
      stages: [{ name: "PushImage", durationMilliseconds: 900, steps: [{ name: "PushDockerImage" }] }],
    },
    {
      phase: "Failed",
      reason: "DockerBuildFailed",
      message: "Docker build strategy has failed.",
      logSnippet: "error: go build",
      completionTimestamp: "2026-11-21T00:05:00Z",
    },
    { phase: "Cancelled", cancelled: true, message: "cancelled by the user" },
  ];

  it("keeps identity, metadata and the status fields observed; drops the spec and the rest of the status", () => {
    const build = served(created, statuses[2] ?? {});
    expect(trimCachedBuild(build)).toEqual({
      apiVersion: "build.openshift.io/v1",
      kind: "Build",
      metadata: build.metadata,
      status: {
        phase: "Complete",
        startTimestamp: "2026-11-21T00:01:00Z",
        completionTimestamp: "2026-11-21T00:05:00Z",
        outputDockerImageReference: `${REPOSITORY}:console`,
        output: { to: { imageDigest: digest("d") } },
      },
    });
    expect(JSON.stringify(trimCachedBuild(build)).length).toBeLessThan(JSON.stringify(build).length / 2);
  });

  it("observes every phase of a trimmed Build as of the whole one", () => {
    for (const status of statuses) {
      const build = served(created, status);
      expectObservedAlike(backend, trimCachedBuild, build);
    }
  });
});

describe("trimCachedBuildRun", () => {
  const backend = createShipwrightBackend();
  const [created] = backend.desiredObjects(consoleRequest);
  if (created === undefined) throw new Error("no BuildRun");
  const succeeded = (status: string, reason: string, message = "") => [
    { type: "Succeeded", status, reason, message, lastTransitionTime: "2026-11-21T00:00:00Z" },
  ];
  const statuses: Record<string, unknown>[] = [
    { conditions: succeeded("Unknown", "Pending"), taskRunName: "console-1-abcde" },
    { conditions: succeeded("Unknown", "Running"), startTime: "2026-11-21T00:01:00Z" },
    {
      conditions: succeeded("True", "Succeeded"),
      completionTime: "2026-11-21T00:09:00Z",
      output: { digest: digest("d"), size: 1234 },
      buildSpec: { output: { image: `${REPOSITORY}:console` }, source: { type: "Git" }, paramValues: [] },
      sources: [{ name: "default", git: { commitSha: "abc" } }],
    },
    {
      conditions: succeeded("False", "Failed", "step failed"),
      failureDetails: {
        reason: "BuildahBudFailed",
        message: "error building at STEP RUN make",
        location: { pod: "console-1-pod", container: "step-build-and-push" },
      },
    },
    { conditions: succeeded("False", "UndefinedParameter", "params do not match the strategy") },
  ];

  it("keeps identity, metadata, the output image and strategy names, and the status fields observed", () => {
    const run = served(created, statuses[2] ?? {});
    expect(trimCachedBuildRun(run)).toEqual({
      apiVersion: "shipwright.io/v1beta1",
      kind: "BuildRun",
      metadata: run.metadata,
      spec: {
        build: {
          spec: {
            output: { image: `${REPOSITORY}:console` },
            strategy: { kind: "ClusterBuildStrategy", name: "okd-payload-buildah" },
          },
        },
      },
      status: {
        conditions: succeeded("True", "Succeeded"),
        completionTime: "2026-11-21T00:09:00Z",
        output: { digest: digest("d"), size: 1234 },
        buildSpec: { output: { image: `${REPOSITORY}:console` } },
      },
    });
    expect(JSON.stringify(trimCachedBuildRun(run)).length).toBeLessThan(JSON.stringify(run).length * 0.7);
  });

  it("observes every state of a trimmed BuildRun as of the whole one (output image, strategy hint)", () => {
    for (const status of statuses) {
      const run = served(created, status);
      expectObservedAlike(backend, trimCachedBuildRun, run);
    }
    const mismatch = backend.observeAttempt({
      payloadBuild: payload,
      component: consoleComponent,
      attempt: 1,
      objects: [trimCachedBuildRun(served(created, statuses[4] ?? {}))],
      imageStream: imageStream(),
    });
    expect(mismatch.phase === "Failed" ? mismatch.message : "").toContain(
      "this run used ClusterBuildStrategy/okd-payload-buildah",
    );
  });
});

describe("trimCachedImageStream", () => {
  const history = (tag: string, images: string[]) => ({
    tag,
    items: images.map((image, i) => ({
      image,
      generation: images.length - i,
      dockerImageReference: `${REPOSITORY}@${image}`,
      created: `2026-11-2${i}T00:00:00Z`,
    })),
    conditions: [{ type: "ImportSuccess", status: "True", generation: 3 }],
  });
  const stream = imageStream({
    specTags: [
      {
        name: "console",
        annotations: { "payload.okd.io/key": "k1" },
        from: { kind: "DockerImage", name: `${REPOSITORY}@${digest("d")}` },
        generation: 3,
        importPolicy: { importMode: "PreserveOriginal" },
        referencePolicy: { type: "Local" },
      },
    ],
    statusTags: [history("console", [digest("d"), digest("c"), digest("b")]), history("base", [digest("a")])],
  });

  it("cuts each status tag's history to its newest entry and keeps everything else", () => {
    const trimmed = trimCachedImageStream(stream);
    const tags = (stream.status?.tags ?? []).map((t) => ({ ...t, items: t.items?.slice(0, 1) }));
    expect(trimmed).toEqual({ ...stream, status: { ...stream.status, tags } });
    expect(trimmed["spec"]).toBe(stream.spec); // written back with a PUT: kept whole
    expect(stream.status?.tags?.[0]?.items).toHaveLength(3); // the input is not changed
  });

  it("passes a stream without longer histories through as is, and keeps the landed test's answer", () => {
    const short = imageStream({ statusTags: [landedTag("console", digest("d"))] });
    expect(trimCachedImageStream(short)).toBe(short);
    expect(trimCachedImageStream(imageStream({ repository: null }))).toEqual(
      imageStream({ repository: null }),
    );
    const trimmed = trimCachedImageStream(stream) as typeof stream;
    for (const tag of ["console", "base", "missing"])
      expect(imageStreamTagLanded(trimmed, tag)).toEqual(imageStreamTagLanded(stream, tag));
  });
});
