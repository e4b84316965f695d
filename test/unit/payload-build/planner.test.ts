import { describe, expect, it } from "vitest";
import {
  computeLevels,
  componentWeights,
  criticalPath,
  findBlockedComponents,
  findCycles,
  graphFromRecord,
  makespanLowerBound,
  planPayload,
  planStatus,
  selectComponentsToStart,
  simulateBuild,
  topologicalOrder,
  DependencyCycleError,
} from "../../../src/payload-build/index.js";

// base -> cli -> {op1, op2, op3}; base -> builder-less "rpms" -> long chain x -> y
const payload = graphFromRecord({
  base: [],
  cli: ["base"],
  op1: ["cli"],
  op2: ["cli"],
  op3: ["cli"],
  x: ["base"],
  y: ["x"],
});

describe("levels and critical path", () => {
  it("levels group components by longest dependency chain", () => {
    expect(computeLevels(payload).levels).toEqual([["base"], ["cli", "x"], ["op1", "op2", "op3", "y"]]);
  });

  it("the critical path follows the heaviest chain, ties by name", () => {
    const unit = componentWeights(payload);
    expect(criticalPath(payload, unit)).toEqual({ names: ["base", "cli", "op1"], length: 3 });
    const weighted = componentWeights(payload, { base: 10, cli: 5, op1: 1, op2: 1, op3: 1, x: 3, y: 30 });
    expect(criticalPath(payload, weighted)).toEqual({ names: ["base", "x", "y"], length: 43 });
  });

  it("topological order throws a DependencyCycleError naming the cycle", () => {
    const cyclic = graphFromRecord({ a: ["c"], b: ["a"], c: ["b"], d: [] });
    expect(() => topologicalOrder(cyclic)).toThrow(DependencyCycleError);
    expect(findCycles(cyclic)).toEqual([["a", "c", "b"]]);
  });
});

describe("makespanLowerBound", () => {
  it("is the max of critical path, work / C and the descendant term", () => {
    const weights = componentWeights(payload);
    // base + (6 descendants) / 2 = 4 beats critical path 3 and work/C 3.5.
    const bound = makespanLowerBound(payload, weights, 2);
    expect(bound).toMatchObject({ value: 4, criticalPath: 3, workPerSlot: 3.5, via: "base", exact: true });
    expect(makespanLowerBound(payload, weights, 100).value).toBe(3);
  });
});

describe("selectComponentsToStart", () => {
  const weights = { base: 10, cli: 5, op1: 1, op2: 1, op3: 1, x: 3, y: 30 };

  it("starts only components whose dependencies have landed, longest remaining path first", () => {
    expect(
      selectComponentsToStart({ graph: payload, landed: new Set(), building: new Set(), freeSlots: 8 }),
    ).toEqual(["base"]);
    const afterBase = {
      graph: payload,
      landed: new Set(["base"]),
      building: new Set<string>(),
      freeSlots: 8,
    };
    expect(selectComponentsToStart(afterBase)).toEqual(["cli", "x"]); // unit weights: tie 2 vs 2, by name
    expect(selectComponentsToStart({ ...afterBase, durations: weights })).toEqual(["x", "cli"]); // 33 > 6
  });

  it("respects free slots, and skips building, failed and blocked components", () => {
    const landed = new Set(["base", "cli"]);
    const input = { graph: payload, landed, building: new Set(["op1"]), freeSlots: 2 };
    expect(selectComponentsToStart(input)).toEqual(["x", "op2"]);
    expect(selectComponentsToStart({ ...input, failed: new Set(["x"]), blocked: new Set(["op2"]) })).toEqual([
      "op3",
    ]);
    expect(selectComponentsToStart({ ...input, freeSlots: 0 })).toEqual([]);
  });

  it("finds components blocked by a failure, transitively", () => {
    expect(findBlockedComponents(payload, new Set(["cli"]))).toEqual(["op1", "op2", "op3"]);
    expect(findBlockedComponents(payload, new Set(["base"]))).toEqual(["cli", "op1", "op2", "op3", "x", "y"]);
  });
});

describe("simulateBuild", () => {
  it("critical-path scheduling beats level batches when a long chain hides in a wide level", () => {
    const durations = { base: 10, cli: 5, op1: 20, op2: 20, op3: 20, x: 3, y: 30 };
    const fast = simulateBuild({ graph: payload, durations, concurrency: 2, policy: "critical-path" });
    const batches = simulateBuild({ graph: payload, durations, concurrency: 2, policy: "levels" });
    expect(fast.makespanSeconds).toBeLessThan(batches.makespanSeconds);
    expect(fast.makespanSeconds).toBeGreaterThanOrEqual(fast.lowerBoundSeconds);
    expect(fast.builds[0]).toEqual({ name: "base", startSeconds: 0, endSeconds: 10 });
    expect(fast.maxConcurrent).toBe(2);
  });
});

describe("planPayload", () => {
  it("summarizes levels, critical path and bound for status.plan", () => {
    const plan = planPayload(payload, 2, { base: 60, cli: 60, op1: 60, op2: 60, op3: 60, x: 60, y: 60 });
    expect(plan.levels).toHaveLength(3);
    expect(planStatus(plan)).toEqual({
      levels: 3,
      criticalPath: ["base", "cli", "op1"],
      criticalPathSeconds: 180,
      lowerBoundSeconds: 240,
    });
    expect(planStatus(planPayload(payload, 2))).toEqual({ levels: 3, criticalPath: ["base", "cli", "op1"] });
  });
});
