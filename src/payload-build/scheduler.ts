/**
 * The scheduler: which components to start now. The operator calls it on every reconcile with
 * what it observed; the simulator calls it at every virtual event. No batches: a component starts
 * as soon as its dependencies have landed and a slot is free, longest remaining path first.
 */
import type { ComponentGraph } from "./component-graph.js";
import { pathLengths } from "./critical-path.js";
import { compareNames } from "./levels.js";
import { componentWeights, type Durations } from "./weights.js";

/** What the scheduler needs to know about the current state. */
export interface ScheduleInput {
  readonly graph: ComponentGraph;
  /** Components whose image has landed. */
  readonly landed: ReadonlySet<string>;
  /** Components building now (they hold slots; `freeSlots` already accounts for them). */
  readonly building: ReadonlySet<string>;
  /** Components that failed for good (never started again). */
  readonly failed?: ReadonlySet<string>;
  /** Components not to start for any other reason (e.g. blocked, or held back by the operator). */
  readonly blocked?: ReadonlySet<string>;
  /** Slots free now (spec.concurrency minus builds running). */
  readonly freeSlots: number;
  /** Expected durations in seconds; every component weighs 1 when unset. */
  readonly durations?: Durations;
  /** Precomputed priorities (see {@link componentPriorities}); overrides `durations`. */
  readonly priorities?: Float64Array;
}

/**
 * Priority of each component: its remaining weighted path (own weight plus the heaviest chain of
 * dependents), indexed like `graph.names`. Throws on cycles.
 */
export function componentPriorities(graph: ComponentGraph, durations?: Durations): Float64Array {
  return pathLengths(graph, componentWeights(graph, durations)).tail;
}

/** True when every dependency of component `i` has landed. */
function dependenciesLanded(graph: ComponentGraph, i: number, landed: ReadonlySet<string>): boolean {
  for (const d of graph.dependencies[i] ?? []) if (!landed.has(graph.names[d] ?? "")) return false;
  return true;
}

/**
 * Components ready to start (not landed, building, failed or blocked, every dependency landed),
 * ordered by priority: longest remaining path first, ties by name. All of them, not capped by slots.
 */
export function readyComponents(input: Omit<ScheduleInput, "freeSlots">): string[] {
  const { graph, landed, building } = input;
  const priorities = input.priorities ?? componentPriorities(graph, input.durations);
  const ready: number[] = [];
  for (let i = 0; i < graph.names.length; i++) {
    const name = graph.names[i] ?? "";
    if (landed.has(name) || building.has(name) || input.failed?.has(name) || input.blocked?.has(name))
      continue;
    if (dependenciesLanded(graph, i, landed)) ready.push(i);
  }
  ready.sort(
    (a, b) =>
      (priorities[b] ?? 0) - (priorities[a] ?? 0) || compareNames(graph.names[a] ?? "", graph.names[b] ?? ""),
  );
  return ready.map((i) => graph.names[i] ?? "");
}

/**
 * The components to start now, at most `freeSlots`, in start order. Deterministic: the same input
 * always gives the same answer. O(n + m + r log r) for r ready components.
 */
export function selectComponentsToStart(input: ScheduleInput): string[] {
  if (input.freeSlots <= 0) return [];
  return readyComponents(input).slice(0, Math.floor(input.freeSlots));
}

/**
 * Components that can never start because a dependency failed (directly or transitively),
 * in graph order. The operator reports them as Blocked.
 */
export function findBlockedComponents(graph: ComponentGraph, failed: ReadonlySet<string>): string[] {
  const blocked = new Uint8Array(graph.names.length);
  const queue: number[] = [];
  for (const name of failed) {
    const i = graph.indexOf.get(name);
    if (i !== undefined) queue.push(i);
  }
  for (let head = 0; head < queue.length; head++) {
    for (const d of graph.dependents[queue[head] ?? 0] ?? []) {
      if (blocked[d] === 1 || failed.has(graph.names[d] ?? "")) continue;
      blocked[d] = 1;
      queue.push(d);
    }
  }
  return graph.names.filter((_, i) => blocked[i] === 1);
}
