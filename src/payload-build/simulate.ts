/**
 * Virtual-time simulation of a payload build, driven by the real scheduler. Builds never fail;
 * each takes its duration; `concurrency` slots. Used to compare scheduling policies against the
 * makespan lower bound.
 */
import type { ComponentGraph } from "./component-graph.js";
import { pathLengths } from "./critical-path.js";
import { computeLevels, topologicalOrder } from "./levels.js";
import { makespanLowerBound } from "./lower-bound.js";
import { readyComponents, selectComponentsToStart } from "./scheduler.js";
import { componentWeights, type Durations } from "./weights.js";

/** Scheduling policies the simulator knows. */
export const SIMULATION_POLICIES = ["critical-path", "levels"] as const;
/**
 * `critical-path`: the operator's scheduler (start whatever is ready, longest remaining path first).
 * `levels`: the pipelines' batch baseline (level k starts when every build of level k-1 has finished;
 * inside a level the same priority order).
 */
export type SimulationPolicy = (typeof SIMULATION_POLICIES)[number];

/** One simulated build. */
export interface SimulatedBuild {
  readonly name: string;
  readonly startSeconds: number;
  readonly endSeconds: number;
}

/** Outcome of a simulation. */
export interface SimulationResult {
  readonly policy: SimulationPolicy;
  readonly concurrency: number;
  readonly components: number;
  readonly makespanSeconds: number;
  readonly lowerBoundSeconds: number;
  /** makespan / lower bound (1 is optimal). */
  readonly ratio: number;
  readonly criticalPathSeconds: number;
  readonly totalWorkSeconds: number;
  /** Most builds running at once. */
  readonly maxConcurrent: number;
  /** Builds in start order. */
  readonly builds: readonly SimulatedBuild[];
}

/** Input of {@link simulateBuild}. */
export interface SimulationInput {
  readonly graph: ComponentGraph;
  /** Seconds per component; components missing from it take `defaultSeconds`. */
  readonly durations: Durations;
  readonly defaultSeconds?: number;
  readonly concurrency: number;
  readonly policy?: SimulationPolicy;
}

/** Runs the simulation. Throws on cycles or a concurrency below 1. */
export function simulateBuild(input: SimulationInput): SimulationResult {
  const { graph, concurrency } = input;
  const policy = input.policy ?? "critical-path";
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new RangeError("concurrency must be an integer >= 1");
  const weights = componentWeights(graph, input.durations, input.defaultSeconds ?? 1);
  const order = topologicalOrder(graph);
  const paths = pathLengths(graph, weights, order);
  const levelOf = policy === "levels" ? computeLevels(graph, order).levelOf : undefined;

  const landed = new Set<string>();
  const building = new Map<string, number>(); // name -> end time
  const builds: SimulatedBuild[] = [];
  let now = 0;
  let maxConcurrent = 0;
  const n = graph.names.length;
  while (landed.size < n) {
    const freeSlots = concurrency - building.size;
    let toStart: string[];
    if (levelOf === undefined) {
      toStart = selectComponentsToStart({
        graph,
        landed,
        building: new Set(building.keys()),
        freeSlots,
        priorities: paths.tail,
      });
    } else {
      // The batch barrier: only the lowest level with unlanded components may run.
      let current = Number.POSITIVE_INFINITY;
      for (let i = 0; i < n; i++)
        if (!landed.has(graph.names[i] ?? "")) current = Math.min(current, levelOf[i] ?? 0);
      toStart = readyComponents({ graph, landed, building: new Set(building.keys()), priorities: paths.tail })
        .filter((name) => levelOf[graph.indexOf.get(name) ?? 0] === current)
        .slice(0, Math.max(0, freeSlots));
    }
    for (const name of toStart) {
      const end = now + (weights[graph.indexOf.get(name) ?? 0] ?? 0);
      building.set(name, end);
      builds.push({ name, startSeconds: now, endSeconds: end });
    }
    maxConcurrent = Math.max(maxConcurrent, building.size);
    if (building.size === 0) throw new Error("simulation stalled: nothing building and nothing ready");
    now = Math.min(...building.values());
    for (const [name, end] of building) {
      if (end <= now) {
        building.delete(name);
        landed.add(name);
      }
    }
  }
  const bound = makespanLowerBound(graph, weights, concurrency, { paths });
  let total = 0;
  for (const w of weights) total += w;
  return {
    policy,
    concurrency,
    components: n,
    makespanSeconds: now,
    lowerBoundSeconds: bound.value,
    ratio: bound.value > 0 ? now / bound.value : 1,
    criticalPathSeconds: bound.criticalPath,
    totalWorkSeconds: total,
    maxConcurrent,
    builds,
  };
}
