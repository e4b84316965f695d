import { describe, expect, it } from "vitest";
import { decideBuildStep, type ObservedBuild } from "../../../src/devcluster/builds/build-step.js";

const observed = (o: Partial<ObservedBuild>): ObservedBuild => ({
  phase: undefined,
  cancelRequested: false,
  deleting: false,
  startedMs: undefined,
  ...o,
});

describe("decideBuildStep", () => {
  it("moves a new build to Pending, then Running", () => {
    expect(decideBuildStep(observed({}), 0, 1000)).toEqual({ kind: "pending" });
    expect(decideBuildStep(observed({ phase: "New" }), 0, 1000)).toEqual({ kind: "pending" });
    expect(decideBuildStep(observed({ phase: "Pending" }), 0, 1000)).toEqual({ kind: "start" });
  });

  it("waits out the rest of the duration from the recorded start, then finishes", () => {
    const running = observed({ phase: "Running", startedMs: 10_000 });
    expect(decideBuildStep(running, 10_400, 1000)).toEqual({ kind: "wait", ms: 600 });
    expect(decideBuildStep(running, 11_000, 1000)).toEqual({ kind: "finish" });
  });

  it("cancels unfinished builds whose cancellation was asked for, and leaves finished and deleting ones alone", () => {
    expect(decideBuildStep(observed({ phase: "Running", cancelRequested: true }), 0, 1)).toEqual({
      kind: "cancel",
    });
    // openshift-controller-manager's build controller ignores builds being deleted (shouldIgnore).
    expect(decideBuildStep(observed({ phase: "Pending", deleting: true }), 0, 1)).toEqual({ kind: "none" });
    for (const phase of ["Complete", "Failed", "Error", "Cancelled"] as const)
      expect(decideBuildStep(observed({ phase, cancelRequested: true }), 0, 1)).toEqual({ kind: "none" });
  });
});
