import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  createComponentGraph,
  findCycles,
  makespanLowerBound,
  componentWeights,
  selectComponentsToStart,
  simulateBuild,
  validatePayloadSpec,
  type ComponentGraph,
  type DependencyEdge,
} from "../../../src/payload-build/index.js";
import { built, spec } from "./fixtures.js";

/** A random DAG: component k may depend only on components created before it, names shuffled. */
const arbitraryDag = fc
  .integer({ min: 1, max: 40 })
  .chain((n) =>
    fc.record({
      names: fc.shuffledSubarray(
        Array.from({ length: n }, (_, i) => `c${i}`),
        { minLength: n, maxLength: n },
      ),
      edges: fc.array(fc.tuple(fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: 0, max: n - 1 })), {
        maxLength: 3 * n,
      }),
      durations: fc.array(fc.integer({ min: 1, max: 50 }), { minLength: n, maxLength: n }),
      concurrency: fc.integer({ min: 1, max: 8 }),
    }),
  )
  .map(({ names, edges, durations, concurrency }) => {
    // Orient every edge from the later to the earlier creation index: acyclic by construction.
    const dagEdges: DependencyEdge[] = edges
      .filter(([a, b]) => a !== b)
      .map(([a, b]) => {
        const [late, early] = a > b ? [a, b] : [b, a];
        return [`c${late}`, `c${early}`];
      });
    const graph = createComponentGraph(names, dagEdges);
    const durationOf = new Map(durations.map((d, i) => [`c${i}`, d]));
    return { graph, durations: durationOf, concurrency };
  });

function hasEdge(graph: ComponentGraph, from: string, to: string): boolean {
  const i = graph.indexOf.get(from);
  const j = graph.indexOf.get(to);
  return i !== undefined && j !== undefined && (graph.dependencies[i] ?? []).includes(j);
}

describe("scheduler properties on random DAGs", () => {
  it("schedules every component exactly once, after its dependencies, never more than C at once", () => {
    fc.assert(
      fc.property(
        arbitraryDag,
        fc.constantFrom("critical-path" as const, "levels" as const),
        (dag, policy) => {
          const result = simulateBuild({ ...dag, policy });
          const byName = new Map(result.builds.map((b) => [b.name, b]));
          expect(result.builds).toHaveLength(dag.graph.names.length);
          expect(byName.size).toBe(dag.graph.names.length);
          dag.graph.names.forEach((name, i) => {
            const build = byName.get(name);
            for (const d of dag.graph.dependencies[i] ?? []) {
              const dep = byName.get(dag.graph.names[d] ?? "");
              expect(build?.startSeconds).toBeGreaterThanOrEqual(dep?.endSeconds ?? Infinity);
            }
          });
          for (const b of result.builds) {
            const running = result.builds.filter(
              (o) => o.startSeconds <= b.startSeconds && o.endSeconds > b.startSeconds,
            );
            expect(running.length).toBeLessThanOrEqual(dag.concurrency);
          }
          expect(result.makespanSeconds).toBeGreaterThanOrEqual(result.lowerBoundSeconds - 1e-9);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("is deterministic and only starts ready components, in priority order", () => {
    fc.assert(
      fc.property(arbitraryDag, fc.integer({ min: 0, max: 1000 }), (dag, cut) => {
        const first = simulateBuild(dag);
        expect(simulateBuild(dag)).toEqual(first);
        // Replay a prefix of the schedule as "landed" and ask the scheduler directly.
        const landed = new Set(first.builds.slice(0, cut % (first.builds.length + 1)).map((b) => b.name));
        const input = {
          graph: dag.graph,
          landed,
          building: new Set<string>(),
          freeSlots: dag.concurrency,
          durations: dag.durations,
        };
        const start = selectComponentsToStart(input);
        expect(selectComponentsToStart(input)).toEqual(start);
        expect(start.length).toBeLessThanOrEqual(dag.concurrency);
        for (const name of start) {
          expect(landed.has(name)).toBe(false);
          const i = dag.graph.indexOf.get(name) ?? -1;
          for (const d of dag.graph.dependencies[i] ?? [])
            expect(landed.has(dag.graph.names[d] ?? "")).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("the lower bound is at least the critical path and the work per slot", () => {
    fc.assert(
      fc.property(arbitraryDag, (dag) => {
        const weights = componentWeights(dag.graph, dag.durations);
        const bound = makespanLowerBound(dag.graph, weights, dag.concurrency);
        const total = weights.reduce((a, b) => a + b, 0);
        expect(bound.value).toBeGreaterThanOrEqual(bound.criticalPath);
        expect(bound.value).toBeGreaterThanOrEqual(total / dag.concurrency - 1e-9);
        expect(bound.exact).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

describe("cycle detection properties", () => {
  it("finds no cycle in a DAG", () => {
    fc.assert(
      fc.property(arbitraryDag, (dag) => {
        expect(findCycles(dag.graph)).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it("always finds a planted cycle and reports a real one", () => {
    fc.assert(
      fc.property(
        arbitraryDag.filter((dag) => dag.graph.names.length >= 2),
        fc.array(fc.nat(), { minLength: 2, maxLength: 6 }),
        (dag, picks) => {
          // Plant a cycle through distinct components p0 -> p1 -> ... -> pk -> p0.
          const members = [...new Set(picks.map((p) => dag.graph.names[p % dag.graph.names.length] ?? ""))];
          if (members.length < 2) return;
          const edges: DependencyEdge[] = [];
          dag.graph.names.forEach((name, i) => {
            for (const d of dag.graph.dependencies[i] ?? []) edges.push([name, dag.graph.names[d] ?? ""]);
          });
          members.forEach((m, k) => edges.push([m, members[(k + 1) % members.length] ?? ""]));
          const graph = createComponentGraph(dag.graph.names, edges);
          const cycles = findCycles(graph);
          expect(cycles.length).toBeGreaterThan(0);
          for (const cycle of cycles) {
            expect(new Set(cycle).size).toBe(cycle.length);
            cycle.forEach((name, k) =>
              expect(hasEdge(graph, name, cycle[(k + 1) % cycle.length] ?? "")).toBe(true),
            );
          }
          // The same through the PayloadBuild validator: one problem naming a real cycle.
          const components = graph.names.map((name, i) =>
            built(name, { dependsOn: (graph.dependencies[i] ?? []).map((d) => graph.names[d] ?? "") }),
          );
          const problems = validatePayloadSpec(spec({ components })).problems;
          expect(problems.length).toBeGreaterThan(0);
          for (const problem of problems) {
            const match = /dependency cycle: (\S+(?: -> \S+)+)/.exec(problem.message);
            const names = match?.[1]?.split(" -> ") ?? [];
            expect(names[0]).toBe(names[names.length - 1]);
            for (let k = 0; k + 1 < names.length; k++)
              expect(hasEdge(graph, names[k] ?? "", names[k + 1] ?? "")).toBe(true);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
