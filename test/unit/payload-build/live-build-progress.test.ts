import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../../src/kube/kube-object.js";
import { isLiveBuildProgress } from "../../../src/payload-build/payload-build-controller.js";

function build(phase: string, annotations: Record<string, string> = {}): KubeObject {
  return {
    apiVersion: "build.openshift.io/v1",
    kind: "Build",
    metadata: { name: "okd-base-1", namespace: "builds", annotations },
    status: { phase },
  };
}

const update = (previous: KubeObject, object: KubeObject) => ({ type: "updated" as const, previous, object });

describe("isLiveBuildProgress (Build updates that do not wake the reconciler)", () => {
  it("is true between live phases", () => {
    expect(isLiveBuildProgress(update(build("New"), build("Pending")))).toBe(true);
    expect(isLiveBuildProgress(update(build("Pending"), build("Running")))).toBe(true);
  });

  it("is false for completion, failure, metadata changes and other event types", () => {
    expect(isLiveBuildProgress(update(build("Running"), build("Complete")))).toBe(false);
    expect(isLiveBuildProgress(update(build("Running"), build("Failed")))).toBe(false);
    expect(isLiveBuildProgress(update(build("Running"), build("Running", { changed: "yes" })))).toBe(false);
    expect(isLiveBuildProgress({ type: "added", object: build("New") })).toBe(false);
    expect(isLiveBuildProgress({ type: "deleted", object: build("Running") })).toBe(false);
    const config = { ...build("Running"), kind: "BuildConfig" };
    expect(isLiveBuildProgress(update(config, config))).toBe(false);
  });
});
