/**
 * A lower bound on the makespan of building the whole graph with C slots. No schedule can beat it,
 * so `makespan / lowerBound` measures how far a scheduler is from optimal.
 */
import type { ComponentGraph } from "./component-graph.js";
import { pathLengths, type PathLengths } from "./critical-path.js";
import { compareNames, topologicalOrder } from "./levels.js";

/** The bound and the terms it is the maximum of. */
export interface MakespanLowerBound {
  /** max(criticalPath, workPerSlot, descendantBound). */
  readonly value: number;
  /** Longest weighted chain. */
  readonly criticalPath: number;
  /** Total work / C. */
  readonly workPerSlot: number;
  /** max over components v of (longest path ending at v) + (work of v's descendants) / C. */
  readonly descendantBound: number;
  /** The component achieving `descendantBound`. */
  readonly via: string | undefined;
  /** False when the evaluation budget ran out before every promising component was checked (the bound is then still valid, only possibly weaker). */
  readonly exact: boolean;
}

/** Options of {@link makespanLowerBound}. */
export interface LowerBoundOptions {
  /** Precomputed path lengths (they depend only on graph and weights). */
  readonly paths?: PathLengths;
  /** Most edge visits spent computing exact descendant work; default max(2e6, 20 (n + m)). */
  readonly budget?: number;
}

/**
 * Computes the lower bound for `concurrency` slots. The descendant term needs each component's
 * descendant work, which is quadratic in general; components are therefore tried in decreasing
 * order of a cheap upper bound of their term and skipped once that cannot beat the best found,
 * within an edge-visit budget. Typical payload graphs need a handful of traversals.
 */
export function makespanLowerBound(
  graph: ComponentGraph,
  weights: Float64Array,
  concurrency: number,
  options: LowerBoundOptions = {},
): MakespanLowerBound {
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new RangeError("concurrency must be an integer >= 1");
  const n = graph.names.length;
  const order = topologicalOrder(graph);
  const { head } = options.paths ?? pathLengths(graph, weights, order);
  let total = 0;
  let edges = 0;
  for (let i = 0; i < n; i++) {
    total += weights[i] ?? 0;
    edges += graph.dependencies[i]?.length ?? 0;
  }
  let critical = 0;
  for (let i = 0; i < n; i++) critical = Math.max(critical, head[i] ?? 0);
  const workPerSlot = total / concurrency;

  // Over-estimate of descendant work: sum over dependents (shared descendants counted twice), capped.
  const over = new Float64Array(n);
  for (let k = n - 1; k >= 0; k--) {
    const v = order[k] ?? 0;
    let sum = 0;
    for (const d of graph.dependents[v] ?? []) sum += (weights[d] ?? 0) + (over[d] ?? 0);
    over[v] = Math.min(sum, total - (head[v] ?? 0));
  }
  const upper = (v: number): number => (head[v] ?? 0) + (over[v] ?? 0) / concurrency;
  const candidates = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => upper(b) - upper(a) || compareNames(graph.names[a] ?? "", graph.names[b] ?? ""),
  );

  let best = Math.max(critical, workPerSlot);
  let descendantBound = 0;
  let via: string | undefined;
  let budget = options.budget ?? Math.max(2e6, 20 * (n + edges));
  let exact = true;
  const seen = new Int32Array(n).fill(-1);
  const queue = new Int32Array(n);
  for (const v of candidates) {
    if (upper(v) <= best) break;
    if (budget <= 0) {
      exact = false;
      break;
    }
    let work = 0;
    let tail = 0;
    seen[v] = v;
    queue[tail++] = v;
    for (let headIndex = 0; headIndex < tail; headIndex++) {
      for (const d of graph.dependents[queue[headIndex] ?? 0] ?? []) {
        budget--;
        if (seen[d] === v) continue;
        seen[d] = v;
        work += weights[d] ?? 0;
        queue[tail++] = d;
      }
    }
    const term = (head[v] ?? 0) + work / concurrency;
    if (term > descendantBound) {
      descendantBound = term;
      via = graph.names[v];
    }
    best = Math.max(best, term);
  }
  return { value: best, criticalPath: critical, workPerSlot, descendantBound, via, exact };
}
