import { describe, expect, it } from "vitest";
import {
  PayloadBuildStatusSchema,
  formatTimestamp,
  parsePayloadBuild,
  parseReleaseStream,
  setCondition,
  truncateStatusMessage,
  COMPONENT_MESSAGE_MAX_LENGTH,
  type ComponentStatus,
  type PayloadBuildStatus,
} from "../../../src/api/index.js";

const minimal = {
  apiVersion: "payload.okd.io/v1alpha1",
  kind: "PayloadBuild",
  metadata: { name: "okd", namespace: "okd-build" },
  spec: {
    imageStream: "release",
    components: [
      { name: "base", source: { git: { uri: "https://github.com/okd-project/images" }, contextDir: "base" } },
    ],
  },
};

describe("parsePayloadBuild", () => {
  it("applies the schema defaults", () => {
    const result = parsePayloadBuild(minimal);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.spec.concurrency).toBe(8);
    expect(result.value.spec.retry.maxAttempts).toBe(2);
    expect(result.value.spec.failurePolicy).toBe("ContinueIndependent");
    expect(result.value.spec.backend).toBe("openshift");
    expect(result.value.spec.components[0]?.skipDefaults).toBe(false);
  });

  it("reports every problem with its field path", () => {
    const result = parsePayloadBuild({
      ...minimal,
      spec: {
        imageStream: "release",
        concurrency: 0,
        components: [{ name: "Base_Image" }, { name: "cli", dependOn: ["base"] }],
        release: { name: "latest", to: "quay.io/okd/release" },
      },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const paths = result.problems.map((p) => p.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        "spec.concurrency",
        "spec.components[0].name",
        "spec.components[1].dependOn",
        "spec.release.name",
        "spec.release.to",
      ]),
    );
    expect(result.problems.find((p) => p.path === "spec.release.to")?.message).toMatch(/docker:\/\//);
  });

  it("rejects a ReleaseStream with both or neither source", () => {
    const stream = {
      apiVersion: "payload.okd.io/v1alpha1",
      kind: "ReleaseStream",
      metadata: { name: "okd-scos" },
      spec: { name: "4.17.0-0.okd-scos", to: "docker://quay.io/okd/scos-release", source: {} },
    };
    const result = parseReleaseStream(stream);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems[0]?.path).toBe("spec.source");
    const ok = parseReleaseStream({
      ...stream,
      spec: { ...stream.spec, source: { imageStream: "release" } },
    });
    expect(ok.ok && ok.value.spec.retention.keepAccepted).toBe(10);
  });

  it("rejects a ReleaseStream whose input ImageStream has its own name (where its release tags go), naming the field", () => {
    const stream = {
      apiVersion: "payload.okd.io/v1alpha1",
      kind: "ReleaseStream",
      metadata: { name: "nightly" },
      spec: {
        name: "4.17.0-0.okd-scos",
        to: "docker://quay.io/okd/scos-release",
        source: { imageStream: "nightly" },
      },
    };
    const watched = parseReleaseStream(stream);
    expect(!watched.ok && watched.problems).toEqual([
      {
        path: "spec.source.imageStream",
        message: expect.stringContaining("must not be nightly, the ReleaseStream's own name") as unknown,
      },
    ]);
    const template = {
      spec: {
        imageStream: "nightly",
        components: [{ name: "a", image: "quay.io/a@sha256:" + "1".repeat(64) }],
      },
    };
    const built = parseReleaseStream({
      ...stream,
      spec: { ...stream.spec, source: { payloadBuild: template } },
    });
    expect(!built.ok && built.problems.map((p) => p.path)).toEqual([
      "spec.source.payloadBuild.spec.imageStream",
    ]);
    const other = parseReleaseStream({
      ...stream,
      spec: {
        ...stream.spec,
        source: { payloadBuild: { spec: { ...template.spec, imageStream: "nightly-components" } } },
      },
    });
    expect(other.ok).toBe(true);
  });
});

describe("PayloadBuild status size", () => {
  it("keeps 2,000 fully populated components under 1 MiB", () => {
    const hex = "0123456789abcdef".repeat(4);
    const components: ComponentStatus[] = Array.from({ length: 2000 }, (_, i) => ({
      name: `cluster-kube-controller-manager-operator-${String(i).padStart(4, "0")}`,
      state: "Landed",
      attempts: 2,
      build: `okd-4-17-cluster-kube-controller-manager-operator-${String(i).padStart(4, "0")}-2`,
      image: `image-registry.openshift-image-registry.svc:5000/okd-build/release@sha256:${hex}`,
      inputHash: `sha256:${hex}`,
      startedAt: "2026-11-21T12:00:00Z",
      completedAt: "2026-11-21T12:34:56Z",
    }));
    const status: PayloadBuildStatus = {
      observedGeneration: 3,
      phase: "Succeeded",
      components,
      counts: { total: 2000, waiting: 0, building: 0, landed: 2000, failed: 0, blocked: 0 },
      plan: { levels: 5, criticalPath: components.slice(0, 5).map((c) => c.name) },
    };
    expect(PayloadBuildStatusSchema.safeParse(status).success).toBe(true);
    const bytes = Buffer.byteLength(JSON.stringify({ status }));
    expect(bytes).toBeLessThan(1024 * 1024);
  });
});

describe("setCondition", () => {
  it("keeps lastTransitionTime while the status does not change", () => {
    const t0 = new Date("2026-11-21T12:00:00.123Z");
    const t1 = new Date("2026-11-21T12:05:00Z");
    const first = setCondition(
      [],
      { type: "Ready", status: "False", reason: "Building", message: "1/3 landed" },
      t0,
    );
    expect(first[0]?.lastTransitionTime).toBe("2026-11-21T12:00:00Z");
    const same = setCondition(
      first,
      { type: "Ready", status: "False", reason: "Building", message: "2/3" },
      t1,
    );
    expect(same[0]?.lastTransitionTime).toBe(formatTimestamp(t0));
    expect(same[0]?.message).toBe("2/3");
    const flipped = setCondition(
      same,
      { type: "Ready", status: "True", reason: "Succeeded", message: "" },
      t1,
    );
    expect(flipped[0]?.lastTransitionTime).toBe("2026-11-21T12:05:00Z");
    expect(first[0]?.message).toBe("1/3 landed");
  });
});

describe("truncateStatusMessage", () => {
  it("keeps short messages and cuts long ones to the schema limit", () => {
    expect(truncateStatusMessage("build failed")).toBe("build failed");
    const cut = truncateStatusMessage("x".repeat(5000));
    expect(cut).toHaveLength(COMPONENT_MESSAGE_MAX_LENGTH);
    expect(cut.endsWith("…")).toBe(true);
  });
});
