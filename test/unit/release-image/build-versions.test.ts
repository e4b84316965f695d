import { describe, expect, it } from "vitest";
import { parseBuildVersions } from "../../../src/release-image/build-versions.js";

describe("parseBuildVersions", () => {
  it("parses key=semver pairs, drops +build, and attaches display names", () => {
    const versions = parseBuildVersions(
      " kubernetes=1.28.3+abc , machine-os=415.92.202401020304-0",
      "kubernetes=Kubernetes,machine-os=Fedora CoreOS (FCOS)",
      'image "hyperkube"',
    );
    expect(Object.fromEntries(versions)).toEqual({
      kubernetes: { version: "1.28.3", displayName: "Kubernetes" },
      "machine-os": { version: "415.92.202401020304-0", displayName: "Fedora CoreOS (FCOS)" },
    });
  });

  it("is empty for a missing or blank label", () => {
    expect(parseBuildVersions(undefined, undefined, "x").size).toBe(0);
    expect(parseBuildVersions("  ", undefined, "x").size).toBe(0);
  });

  it("fails on an unknown key, naming the image, the label and the allowed keys", () => {
    expect(() =>
      parseBuildVersions(
        "kubernetes=1.28.3,etcd=3.5.9",
        undefined,
        'image "etcd" (quay.io/okd/etcd@sha256:1)',
      ),
    ).toThrow(
      'image "etcd" (quay.io/okd/etcd@sha256:1): label io.openshift.build.versions: unknown key "etcd" (allowed keys: kubernetes, machine-os, kernel, crio, kubectl, kubernetes-tests)',
    );
  });

  it.each([
    ["kubernetes", /must be NAME=VERSION/],
    ["k=1.0.0", /at least 2 characters/],
    ["Kubernetes=1.0.0", /lower-case/],
    ["kubernetes=v1.28", /semantic version/],
  ])("rejects %j", (label, message) => {
    expect(() => parseBuildVersions(label, undefined, "img")).toThrow(message);
  });
});
