import { describe, expect, it } from "vitest";
import {
  backendForComponent,
  buildChildResources,
  createBuildBackends,
} from "../../../src/builds/build-backends.js";
import { createPrebuiltBackend } from "../../../src/builds/prebuilt-backend.js";
import { REPOSITORY, component, digest, imageStream, landedTag, payloadBuild, request } from "./fixtures.js";

const pullspec = `quay.io/centos/centos@${digest("1")}`;
const payload = payloadBuild([
  { name: "centos", image: pullspec },
  { name: "cli", source: { git: { uri: "https://github.com/openshift/oc" } }, from: "centos" },
]);
const centos = component(payload, "centos");

describe("prebuilt backend", () => {
  const backend = createPrebuiltBackend();
  const observe = (stream = imageStream()) =>
    backend.observeAttempt({
      payloadBuild: payload,
      component: centos,
      attempt: 1,
      objects: [],
      imageStream: stream,
    });
  const specTag = { name: "centos", from: { kind: "DockerImage", name: pullspec }, generation: 2 };

  it("creates no objects and tags the pullspec into the ImageStream", () => {
    expect(backend.desiredObjects(request(payload, "centos"))).toEqual([]);
    expect(backend.desiredTags(centos, { phase: "Missing" })).toEqual([
      {
        name: "centos",
        from: { kind: "DockerImage", name: pullspec },
        importPolicy: {},
        referencePolicy: { type: "Local" },
      },
    ]);
  });

  it("is Missing until the spec tag imports the pullspec", () => {
    expect(observe()).toEqual({ phase: "Missing" });
    expect(observe(undefined)).toEqual({ phase: "Missing" });
    const otherSource = imageStream({
      specTags: [{ ...specTag, from: { kind: "DockerImage", name: "quay.io/centos/centos:stream8" } }],
      statusTags: [landedTag("centos", digest("2"), 2)],
    });
    expect(observe(otherSource)).toEqual({ phase: "Missing" });
  });

  it("is Pending while the import runs, Succeeded once it landed", () => {
    expect(observe(imageStream({ specTags: [specTag] }))).toMatchObject({
      phase: "Pending",
      objectName: "release:centos",
    });
    const landed = observe(
      imageStream({ specTags: [specTag], statusTags: [landedTag("centos", digest("1"), 2)] }),
    );
    expect(landed).toMatchObject({
      phase: "Succeeded",
      digest: digest("1"),
      landed: { landed: true, pullspec: `${REPOSITORY}@${digest("1")}` },
    });
  });

  it("is Failed when the import failed, with the registry's message", () => {
    const stream = imageStream({
      specTags: [specTag],
      statusTags: [
        {
          tag: "centos",
          items: [],
          conditions: [{ type: "ImportSuccess", status: "False", message: "unauthorized" }],
        },
      ],
    });
    const state = observe(stream);
    expect(state).toMatchObject({ phase: "Failed", reason: "ImportFailed" });
    expect(state.phase === "Failed" ? state.message : "").toMatch(/centos.*unauthorized/);
  });
});

describe("backend selection", () => {
  const backends = createBuildBackends();

  it("builds components with spec.backend, but a component with image is prebuilt", () => {
    expect(backendForComponent(backends, payload.spec, component(payload, "cli")).name).toBe("openshift");
    expect(backendForComponent(backends, payload.spec, centos).name).toBe("prebuilt");
    const shipwright = payloadBuild(payload.spec.components, { backend: "shipwright" });
    expect(backendForComponent(backends, shipwright.spec, component(shipwright, "cli")).name).toBe(
      "shipwright",
    );
  });

  it("lists every child kind once", () => {
    expect(buildChildResources(backends).map((r) => `${r.group}/${r.version} ${r.plural}`)).toEqual([
      "build.openshift.io/v1 builds",
      "shipwright.io/v1beta1 buildruns",
    ]);
  });
});
