import { describe, expect, it } from "vitest";
import { compareVersions } from "../../../src/devcluster/discovery.js";
import { parseRequestTarget } from "../../../src/devcluster/request-target.js";

describe("request targets", () => {
  it.each([
    [
      "/api/v1/namespaces",
      {
        group: "",
        version: "v1",
        namespace: undefined,
        plural: "namespaces",
        name: undefined,
        subresource: undefined,
      },
    ],
    ["/api/v1/namespaces/x", { plural: "namespaces", name: "x", namespace: undefined }],
    ["/api/v1/namespaces/x/status", { plural: "namespaces", name: "x", subresource: "status" }],
    ["/api/v1/namespaces/x/finalize", { plural: "namespaces", name: "x", subresource: "finalize" }],
    ["/api/v1/namespaces/x/configmaps/y", { namespace: "x", plural: "configmaps", name: "y" }],
    [
      "/apis/build.openshift.io/v1/namespaces/ns/buildconfigs/bc/instantiate",
      { group: "build.openshift.io", plural: "buildconfigs", name: "bc", subresource: "instantiate" },
    ],
    [
      "/apis/build.openshift.io/v1/namespaces/ns/buildconfigs%2Fbc%2Finstantiate",
      { plural: "buildconfigs", name: "bc", subresource: "instantiate" },
    ],
    [
      "/apis/payload.okd.io/v1alpha1/payloadbuilds",
      { group: "payload.okd.io", version: "v1alpha1", plural: "payloadbuilds", name: undefined },
    ],
  ])("%s", (path, expected) => {
    expect(parseRequestTarget(path)).toMatchObject({ kind: "resource", ...expected });
  });

  it("leaves discovery paths to the non-resource handler", () => {
    expect(parseRequestTarget("/apis/batch/v1")).toEqual({ kind: "nonResource", path: "/apis/batch/v1" });
    expect(parseRequestTarget("/api")).toMatchObject({ kind: "nonResource" });
  });

  it("orders versions GA > beta > alpha", () => {
    expect(["v1alpha1", "v1beta2", "v2", "v1", "v1beta1"].sort(compareVersions)).toEqual([
      "v2",
      "v1",
      "v1beta2",
      "v1beta1",
      "v1alpha1",
    ]);
  });
});
