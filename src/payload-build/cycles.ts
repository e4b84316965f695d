/** Cycle detection: strongly connected components (Tarjan, iterative) and one concrete cycle in each. */
import type { ComponentGraph } from "./component-graph.js";

/**
 * Strongly connected components with more than one member, each as ascending indexes, ordered by
 * their smallest member. O(n + m), no recursion (safe for 50k-component payloads).
 */
export function cyclicComponents(graph: ComponentGraph): number[][] {
  const n = graph.names.length;
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack: number[] = [];
  const frameNode = new Int32Array(n);
  const frameEdge = new Int32Array(n);
  const result: number[][] = [];
  let counter = 0;
  for (let root = 0; root < n; root++) {
    if (index[root] !== -1) continue;
    let depth = 0;
    frameNode[0] = root;
    frameEdge[0] = 0;
    index[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = 1;
    while (depth >= 0) {
      const v = frameNode[depth] ?? 0;
      const deps = graph.dependencies[v] ?? [];
      const e = frameEdge[depth] ?? 0;
      if (e < deps.length) {
        frameEdge[depth] = e + 1;
        const w = deps[e] ?? 0;
        if (index[w] === -1) {
          index[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = 1;
          depth++;
          frameNode[depth] = w;
          frameEdge[depth] = 0;
        } else if (onStack[w] === 1) {
          low[v] = Math.min(low[v] ?? 0, index[w] ?? 0);
        }
        continue;
      }
      if (low[v] === index[v]) {
        const members: number[] = [];
        let w: number;
        do {
          w = stack.pop() ?? v;
          onStack[w] = 0;
          members.push(w);
        } while (w !== v);
        if (members.length > 1) result.push(members.sort((a, b) => a - b));
      }
      depth--;
      if (depth >= 0) {
        const parent = frameNode[depth] ?? 0;
        low[parent] = Math.min(low[parent] ?? 0, low[v] ?? 0);
      }
    }
  }
  return result.sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0));
}

/**
 * One shortest cycle through `start` inside the strongly connected component `members`
 * (BFS along dependency edges), as indexes `[start, ..., last]` where `last` depends on `start`.
 */
export function cycleThrough(graph: ComponentGraph, members: readonly number[], start: number): number[] {
  const inComponent = new Set(members);
  const parent = new Map<number, number>([[start, -1]]);
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const v = queue[head] ?? start;
    for (const w of graph.dependencies[v] ?? []) {
      if (w === start) {
        const path: number[] = [];
        for (let u = v; u !== -1; u = parent.get(u) ?? -1) path.push(u);
        return path.reverse();
      }
      if (inComponent.has(w) && !parent.has(w)) {
        parent.set(w, v);
        queue.push(w);
      }
    }
  }
  throw new Error(`no cycle through ${graph.names[start] ?? start}: not a strongly connected component`);
}

/**
 * Every dependency cycle, one per strongly connected component, as component names
 * `[a, b, c]` meaning a depends on b, b on c, and c on a. Empty when the graph is acyclic.
 */
export function findCycles(graph: ComponentGraph): string[][] {
  return cyclicComponents(graph).map((members) =>
    cycleThrough(graph, members, members[0] ?? 0).map((i) => graph.names[i] ?? String(i)),
  );
}

/** Formats a cycle as `a -> b -> c -> a`. */
export function formatCycle(cycle: readonly string[]): string {
  return [...cycle, cycle[0] ?? ""].join(" -> ");
}

/** Thrown by graph algorithms that need an acyclic graph. */
export class DependencyCycleError extends Error {
  override readonly name = "DependencyCycleError";
  constructor(readonly cycles: readonly (readonly string[])[]) {
    super(`dependency cycle: ${cycles.map(formatCycle).join("; ")}`);
  }
}
