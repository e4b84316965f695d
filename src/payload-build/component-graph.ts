/**
 * The component dependency graph: integer-indexed adjacency lists, built in linear time.
 * Edges point from a component to the components it depends on (must land first).
 */

/** A directed graph of components. Index `i` is the component `names[i]`. */
export interface ComponentGraph {
  /** Component names, in spec order (duplicates dropped). */
  readonly names: readonly string[];
  /** Name to index. */
  readonly indexOf: ReadonlyMap<string, number>;
  /** `dependencies[i]`: indexes of the components `i` depends on, without duplicates, ascending. */
  readonly dependencies: readonly (readonly number[])[];
  /** `dependents[i]`: indexes of the components depending on `i`, ascending. */
  readonly dependents: readonly (readonly number[])[];
}

/** A dependency edge by name: `component` depends on `dependency`. */
export type DependencyEdge = readonly [component: string, dependency: string];

/**
 * Builds a graph from names and edges. Duplicate names keep their first position; duplicate edges
 * collapse. Throws when an edge names an unknown component (callers validate first).
 */
export function createComponentGraph(
  names: Iterable<string>,
  edges: Iterable<DependencyEdge>,
): ComponentGraph {
  const list: string[] = [];
  const indexOf = new Map<string, number>();
  for (const name of names) {
    if (indexOf.has(name)) continue;
    indexOf.set(name, list.length);
    list.push(name);
  }
  const dependencies: number[][] = list.map(() => []);
  for (const [component, dependency] of edges) {
    const from = indexOf.get(component);
    const to = indexOf.get(dependency);
    if (from === undefined || to === undefined) {
      throw new Error(`edge ${component} -> ${dependency} names an unknown component`);
    }
    dependencies[from]?.push(to);
  }
  return graphFromAdjacency(list, indexOf, dependencies);
}

/** Builds a graph from `dependencies[i]` index lists (deduplicated and sorted here). */
export function graphFromAdjacency(
  names: readonly string[],
  indexOf: ReadonlyMap<string, number>,
  dependencies: number[][],
): ComponentGraph {
  const n = names.length;
  const stamp = new Int32Array(n).fill(-1);
  const dependents: number[][] = names.map(() => []);
  const deduped: number[][] = new Array<number[]>(n);
  for (let i = 0; i < n; i++) {
    const unique: number[] = [];
    for (const d of dependencies[i] ?? []) {
      if (stamp[d] === i) continue;
      stamp[d] = i;
      unique.push(d);
    }
    unique.sort((a, b) => a - b);
    deduped[i] = unique;
  }
  // Filling dependents in ascending `i` keeps every dependents list sorted.
  for (let i = 0; i < n; i++) for (const d of deduped[i] ?? []) dependents[d]?.push(i);
  return { names, indexOf, dependencies: deduped, dependents };
}

/** Builds a graph from a `{component: [dependencies...]}` record (handy in tests and benchmarks). */
export function graphFromRecord(record: Readonly<Record<string, readonly string[]>>): ComponentGraph {
  const names = Object.keys(record);
  const edges: DependencyEdge[] = [];
  for (const [name, deps] of Object.entries(record)) for (const dep of deps) edges.push([name, dep]);
  return createComponentGraph(names, edges);
}

/** Names of the direct dependencies of `name`. */
export function dependenciesOf(graph: ComponentGraph, name: string): string[] {
  const i = graph.indexOf.get(name);
  if (i === undefined) return [];
  return (graph.dependencies[i] ?? []).map((d) => graph.names[d] ?? "");
}
