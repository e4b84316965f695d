import { describe, expect, it } from "vitest";
import { BuildBackendError } from "../../../src/builds/build-backend.js";
import { createShipwrightBackend } from "../../../src/builds/shipwright-backend.js";
import type { KubeObject } from "../../../src/kube/kube-object.js";
import { REPOSITORY, component, digest, imageStream, landedTag, payloadBuild, request } from "./fixtures.js";

const payload = payloadBuild([
  { name: "base", source: { git: { uri: "https://github.com/okd-project/images" }, contextDir: "base" } },
  {
    name: "console",
    source: {
      git: { uri: "https://github.com/openshift/console", ref: "release-4.17" },
      contextDir: "frontend",
    },
    dockerfile: "Dockerfile.product",
    from: "base",
    inputs: [
      { from: "base", as: ["registry.ci.openshift.org/ocp/4.17:base-rhel9"] },
      {
        from: "quay.io/openshift/origin-cli:4.17",
        paths: [{ sourcePath: "/usr/bin/oc", destinationDir: "bin" }],
      },
    ],
    buildArgs: { B: "2", A: "1" },
    env: { GOFLAGS: "-mod=vendor" },
    resources: { requests: { cpu: "4", memory: "8Gi" }, limits: { memory: "12Gi" } },
  },
]);
const baseImage = `${REPOSITORY}@${digest("b")}`;
const consoleRequest = request(payload, "console", {
  attempt: 3,
  inputHash: digest("7"),
  dependencyImages: { base: baseImage },
});

describe("shipwright backend: desired objects", () => {
  const backend = createShipwrightBackend({
    pushSecret: "push-creds",
    serviceAccount: "builder",
    shipwrightServiceAccount: "okd-shipwright",
    shipwrightTimeout: "1h",
  });

  it("creates one BuildRun with an embedded build spec pushing to the ImageStream's repository", () => {
    const objects = backend.desiredObjects(consoleRequest);
    expect(objects).toHaveLength(1);
    expect(objects[0]).toEqual({
      apiVersion: "shipwright.io/v1beta1",
      kind: "BuildRun",
      metadata: {
        name: "okd-4-17-console-3",
        namespace: "okd",
        labels: {
          "payload.okd.io/payload-build": "okd-4-17",
          "payload.okd.io/component": "console",
          "payload.okd.io/attempt": "3",
        },
        annotations: { "payload.okd.io/input-hash": digest("7") },
        ownerReferences: [
          {
            apiVersion: "payload.okd.io/v1alpha1",
            kind: "PayloadBuild",
            name: "okd-4-17",
            uid: "uid-1",
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      spec: {
        build: {
          spec: {
            source: {
              type: "Git",
              git: { url: "https://github.com/openshift/console", revision: "release-4.17" },
              contextDir: "frontend",
            },
            strategy: {
              kind: "ClusterBuildStrategy",
              name: "okd-payload-buildah",
              stepResources: [
                {
                  name: "build-and-push",
                  resources: { requests: { cpu: "4", memory: "8Gi" }, limits: { memory: "12Gi" } },
                },
              ],
            },
            paramValues: [
              { name: "dockerfile", value: "Dockerfile.product" },
              { name: "build-args", values: [{ value: "A=1" }, { value: "B=2" }] },
              { name: "from", value: baseImage },
              {
                name: "inputs",
                values: [{ value: baseImage }, { value: "quay.io/openshift/origin-cli:4.17" }],
              },
              {
                name: "input-as",
                values: [{ value: `registry.ci.openshift.org/ocp/4.17:base-rhel9=${baseImage}` }],
              },
              {
                name: "input-paths",
                values: [{ value: "quay.io/openshift/origin-cli:4.17|/usr/bin/oc|bin" }],
              },
              { name: "env", values: [{ value: "GOFLAGS=-mod=vendor" }] },
            ],
            output: {
              image: `${REPOSITORY}:console`,
              pushSecret: "push-creds",
              labels: { "io.okd.payload.input-hash": digest("7") },
            },
            timeout: "1h",
          },
        },
        serviceAccount: "okd-shipwright",
      },
    });
  });

  it("uses the configured strategy and sets only the parameters a component needs", () => {
    const custom = createShipwrightBackend({
      shipwrightStrategy: { kind: "BuildStrategy", name: "okd-buildah" },
    });
    const [run] = custom.desiredObjects(request(payload, "base"));
    const spec = (run?.["spec"] as { build: { spec: Record<string, unknown> } }).build.spec;
    expect(spec["strategy"]).toEqual({ kind: "BuildStrategy", name: "okd-buildah" });
    expect(spec["paramValues"]).toEqual([]);
    expect(spec["env"]).toBeUndefined();
    expect(custom.identity).toEqual({
      backend: "shipwright",
      strategy: { kind: "BuildStrategy", name: "okd-buildah" },
    });
  });

  it("refuses without the ImageStream's registry repository", () => {
    expect(() => backend.desiredObjects({ ...consoleRequest, imageStreamRepository: undefined })).toThrow(
      BuildBackendError,
    );
    expect(() => backend.desiredObjects({ ...consoleRequest, imageStreamRepository: undefined })).toThrow(
      /console.*ImageStream release has no status\.dockerImageRepository/,
    );
  });
});

describe("shipwright backend: observing an attempt", () => {
  const backend = createShipwrightBackend();
  const consoleComponent = component(payload, "console");
  const buildRun = (status: Record<string, unknown> | undefined): KubeObject => ({
    apiVersion: "shipwright.io/v1beta1",
    kind: "BuildRun",
    metadata: {
      name: "okd-4-17-console-1",
      namespace: "okd",
      annotations: { "payload.okd.io/input-hash": digest("7") },
    },
    spec: { build: { spec: { output: { image: `${REPOSITORY}:console` } } } },
    ...(status === undefined ? {} : { status }),
  });
  const observe = (objects: KubeObject[], stream = imageStream()) =>
    backend.observeAttempt({
      payloadBuild: payload,
      component: consoleComponent,
      attempt: 1,
      objects,
      imageStream: stream,
    });
  const succeeded = (status: string, reason: string, message = "") => [
    { type: "Succeeded", status, reason, message, lastTransitionTime: "2026-11-21T00:00:00Z" },
  ];

  it("is Missing, Pending or Running before it finishes", () => {
    expect(observe([])).toEqual({ phase: "Missing" });
    expect(observe([buildRun(undefined)]).phase).toBe("Pending");
    expect(observe([buildRun({ conditions: succeeded("Unknown", "Pending") })]).phase).toBe("Pending");
    expect(
      observe([buildRun({ conditions: succeeded("Unknown", "Running"), startTime: "2026-11-21T00:00:00Z" })]),
    ).toMatchObject({ phase: "Running", startedAt: "2026-11-21T00:00:00Z", inputHash: digest("7") });
  });

  it("is Succeeded with the output digest, tags it, and lands once the tag holds it", () => {
    const done = buildRun({
      conditions: succeeded("True", "Succeeded"),
      completionTime: "2026-11-21T00:09:00Z",
      output: { digest: digest("e"), size: 1234 },
    });
    const state = observe([done]);
    expect(state).toMatchObject({
      phase: "Succeeded",
      digest: digest("e"),
      outputPullspec: `${REPOSITORY}@${digest("e")}`,
      completedAt: "2026-11-21T00:09:00Z",
      landed: { landed: false },
    });
    expect(backend.desiredTags(consoleComponent, state)).toEqual([
      {
        name: "console",
        from: { kind: "DockerImage", name: `${REPOSITORY}@${digest("e")}` },
        importPolicy: {},
        referencePolicy: { type: "Local" },
      },
    ]);
    const stream = imageStream({
      specTags: [
        {
          name: "console",
          from: { kind: "DockerImage", name: `${REPOSITORY}@${digest("e")}` },
          generation: 2,
        },
      ],
      statusTags: [landedTag("console", digest("e"), 2)],
    });
    expect(observe([done], stream)).toMatchObject({ phase: "Succeeded", landed: { landed: true } });
  });

  it("writes a keyed component's tag with its key and without the annotations it must lose", () => {
    const done = buildRun({ conditions: succeeded("True", "Succeeded"), output: { digest: digest("e") } });
    const keyed = {
      ...consoleComponent,
      tagAnnotations: { "payload.okd.io/component-key": "k2" },
      tagAnnotationsRemoved: ["payload.okd.io/reused-from"],
    };
    expect(backend.desiredTags(keyed, observe([done]))).toEqual([
      expect.objectContaining({
        name: "console",
        annotations: { "payload.okd.io/component-key": "k2" },
        withoutAnnotations: ["payload.okd.io/reused-from"],
      }),
    ]);
  });

  it("writes no tag before the BuildRun succeeds", () => {
    expect(backend.desiredTags(consoleComponent, observe([buildRun(undefined)]))).toEqual([]);
  });

  it("is Failed with the failure details", () => {
    const failed = observe([
      buildRun({
        conditions: succeeded("False", "Failed", "buildrun step step-build-and-push failed"),
        failureDetails: {
          reason: "BuildahBudFailed",
          message: "error building at STEP RUN make",
          location: { pod: "okd-4-17-console-1-pod", container: "step-build-and-push" },
        },
      }),
    ]);
    expect(failed).toMatchObject({ phase: "Failed", reason: "BuildahBudFailed" });
    expect(failed.phase === "Failed" ? failed.message : "").toContain("error building at STEP RUN make");
    expect(failed.phase === "Failed" ? failed.message : "").toContain("okd-4-17-console-1-pod");
    const timedOut = observe([buildRun({ conditions: succeeded("False", "BuildRunTimeout", "timed out") })]);
    expect(timedOut).toMatchObject({ phase: "Failed", reason: "BuildRunTimeout", message: "timed out" });
  });

  it("points at our strategy when the run's strategy does not declare a parameter or does not exist", () => {
    const stock = {
      ...buildRun({
        conditions: succeeded(
          "False",
          "UndefinedParameter",
          "The following parameters are not defined in the build strategy: from, inputs, input-as",
        ),
      }),
    };
    const withStrategy = {
      ...stock,
      spec: {
        build: {
          spec: {
            strategy: { kind: "ClusterBuildStrategy", name: "buildah-shipwright-managed-push" },
            output: { image: `${REPOSITORY}:console` },
          },
        },
      },
    };
    const failed = observe([withStrategy]);
    expect(failed).toMatchObject({ phase: "Failed", reason: "UndefinedParameter" });
    const message = failed.phase === "Failed" ? failed.message : "";
    expect(message).toContain("not defined in the build strategy: from, inputs, input-as");
    expect(message).toContain("this run used ClusterBuildStrategy/buildah-shipwright-managed-push");
    expect(message).toContain("install deploy/shipwright/okd-payload-buildah.yaml");
    expect(message).toContain("--shipwright-strategy ClusterBuildStrategy/okd-payload-buildah");
    const missing = observe([
      buildRun({ conditions: succeeded("False", "ClusterBuildStrategyNotFound", "strategy not found") }),
    ]);
    expect(missing.phase === "Failed" ? missing.message : "").toContain("okd-payload-buildah.yaml");
  });

  it("takes the BuildRun's own spec.output over its build's, as Shipwright does", () => {
    const overridden = {
      ...buildRun({ conditions: succeeded("True", "Succeeded"), output: { digest: digest("f") } }),
      spec: {
        build: { spec: { output: { image: `${REPOSITORY}:console` } } },
        output: { image: "registry.example:5000/elsewhere/release:console" },
      },
    };
    expect(observe([overridden])).toMatchObject({
      phase: "Succeeded",
      outputPullspec: `registry.example:5000/elsewhere/release@${digest("f")}`,
    });
  });
});
