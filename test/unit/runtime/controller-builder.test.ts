import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../../src/kube/kube-object.js";
import { CONFIG_MAPS, kubeResource } from "../../../src/kube/resource.js";
import { generationChanged, ownerKeys } from "../../../src/runtime/controller-builder.js";

const PAYLOAD_BUILDS = kubeResource({
  group: "payload.okd.io",
  version: "v1alpha1",
  kind: "PayloadBuild",
  plural: "payloadbuilds",
  namespaced: true,
});

function child(owners: NonNullable<KubeObject["metadata"]["ownerReferences"]>): KubeObject {
  return { metadata: { name: "child", namespace: "ns", ownerReferences: owners } };
}

describe("ownerKeys", () => {
  it("maps a child to the primary named by its controller reference, in the child's namespace", () => {
    const obj = child([
      { apiVersion: "v1", kind: "ConfigMap", name: "not-controller", uid: "1" },
      {
        apiVersion: "payload.okd.io/v1beta1",
        kind: "PayloadBuild",
        name: "okd-4.20",
        uid: "2",
        controller: true,
      },
    ]);
    expect(ownerKeys(PAYLOAD_BUILDS, obj)).toEqual([{ namespace: "ns", name: "okd-4.20" }]);
  });

  it("ignores children controlled by another kind or group, and children with no controller", () => {
    expect(
      ownerKeys(
        PAYLOAD_BUILDS,
        child([{ apiVersion: "other.io/v1", kind: "PayloadBuild", name: "x", uid: "1", controller: true }]),
      ),
    ).toEqual([]);
    expect(
      ownerKeys(CONFIG_MAPS, child([{ apiVersion: "v1", kind: "ConfigMap", name: "x", uid: "1" }])),
    ).toEqual([]);
  });
});

describe("generationChanged", () => {
  const at = (generation: number, rv: string): KubeObject => ({
    metadata: { name: "a", generation, resourceVersion: rv },
  });
  it("passes spec changes, adds, deletes and resyncs, and drops status-only updates", () => {
    expect(generationChanged({ type: "updated", previous: at(1, "1"), object: at(1, "2") })).toBe(false);
    expect(generationChanged({ type: "updated", previous: at(1, "1"), object: at(2, "3") })).toBe(true);
    expect(generationChanged({ type: "added", object: at(1, "1") })).toBe(true);
    expect(generationChanged({ type: "deleted", object: at(1, "1") })).toBe(true);
    expect(generationChanged({ type: "resync", object: at(1, "1") })).toBe(true);
  });
});
