/** Renderings of a payload plan: text for people, JSON for tools, Mermaid and Graphviz for pictures. */
import type { ComponentGraph, PayloadPlan } from "../payload-build/index.js";

/** Formats an amount of work: seconds as `1h 02m 05s` when the plan is weighted, else build counts. */
export function formatWork(plan: PayloadPlan, value: number): string {
  if (!plan.weighted) return `${Number(value.toFixed(2))} build${value === 1 ? "" : "s"}`;
  const seconds = Math.round(value);
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const parts =
    h > 0
      ? `${h}h ${String(m).padStart(2, "0")}m ${String(s).padStart(2, "0")}s`
      : m > 0
        ? `${m}m ${String(s).padStart(2, "0")}s`
        : `${s}s`;
  return `${parts} (${seconds}s)`;
}

/** Human-readable plan. */
export function renderPlanText(name: string, plan: PayloadPlan, firstStarts: readonly string[]): string {
  const lines: string[] = [];
  const { lowerBound } = plan;
  lines.push(
    `PayloadBuild ${name}: ${plan.components.length} components, ${plan.levels.length} levels, concurrency ${plan.concurrency}`,
    "",
  );
  plan.levels.forEach((level, k) => lines.push(`Level ${k} (${level.length}): ${level.join(", ")}`));
  lines.push(
    "",
    `Critical path (${formatWork(plan, plan.criticalPathLength)}): ${plan.criticalPath.join(" -> ")}`,
    `Total work: ${formatWork(plan, plan.totalWork)}`,
    `No schedule can finish sooner than ${formatWork(plan, lowerBound.value)} at concurrency ${plan.concurrency}, the largest of:`,
    `  the critical path: ${formatWork(plan, lowerBound.criticalPath)}`,
    `  all the work shared by ${plan.concurrency} build slots: ${formatWork(plan, lowerBound.workPerSlot)}`,
    ...(lowerBound.via !== undefined
      ? [
          `  building up to ${lowerBound.via}, then everything that needs ${lowerBound.via} on ${plan.concurrency} slots: ${formatWork(plan, lowerBound.descendantBound)}`,
        ]
      : []),
    `Starts first: ${firstStarts.join(", ")}`,
  );
  if (!plan.weighted)
    lines.push("", "Every component weighs 1 build; pass --durations FILE.json for times in seconds.");
  return `${lines.join("\n")}\n`;
}

/** Machine-readable plan. */
export function renderPlanJson(name: string, plan: PayloadPlan, firstStarts: readonly string[]): string {
  return `${JSON.stringify({ name, ...plan, startsFirst: firstStarts }, null, 2)}\n`;
}

function criticalEdges(plan: PayloadPlan): Set<string> {
  const edges = new Set<string>();
  for (let k = 1; k < plan.criticalPath.length; k++)
    edges.add(`${plan.criticalPath[k - 1]}\0${plan.criticalPath[k]}`);
  return edges;
}

/** Edges in build order (dependency first), in graph order. */
function buildOrderEdges(graph: ComponentGraph): [string, string][] {
  const edges: [string, string][] = [];
  graph.names.forEach((name, i) => {
    for (const d of graph.dependencies[i] ?? []) edges.push([graph.names[d] ?? "", name]);
  });
  return edges;
}

/** Mermaid flowchart, arrows in build order, critical path highlighted. */
export function renderPlanMermaid(graph: ComponentGraph, plan: PayloadPlan): string {
  const id = (name: string): string => `c${graph.indexOf.get(name) ?? 0}`;
  const critical = criticalEdges(plan);
  const lines = ["flowchart LR"];
  for (const name of graph.names) lines.push(`  ${id(name)}["${name}"]`);
  const highlighted: number[] = [];
  buildOrderEdges(graph).forEach(([from, to], k) => {
    lines.push(`  ${id(from)} --> ${id(to)}`);
    if (critical.has(`${from}\0${to}`)) highlighted.push(k);
  });
  lines.push("  classDef critical fill:#fde2d3,stroke:#c0392b,stroke-width:3px");
  if (plan.criticalPath.length > 0) lines.push(`  class ${plan.criticalPath.map(id).join(",")} critical`);
  if (highlighted.length > 0)
    lines.push(`  linkStyle ${highlighted.join(",")} stroke:#c0392b,stroke-width:3px`);
  return `${lines.join("\n")}\n`;
}

/** Graphviz digraph, arrows in build order, critical path highlighted, one rank per level. */
export function renderPlanDot(graph: ComponentGraph, plan: PayloadPlan): string {
  const critical = criticalEdges(plan);
  const onPath = new Set(plan.criticalPath);
  const q = (name: string): string => JSON.stringify(name);
  const lines = ["digraph payload {", "  rankdir=LR;", '  node [shape=box, style="rounded"];'];
  for (const name of graph.names) {
    lines.push(
      `  ${q(name)}${onPath.has(name) ? ' [color="#c0392b", penwidth=2.5, style="rounded,filled", fillcolor="#fde2d3"]' : ""};`,
    );
  }
  for (const [from, to] of buildOrderEdges(graph)) {
    lines.push(
      `  ${q(from)} -> ${q(to)}${critical.has(`${from}\0${to}`) ? ' [color="#c0392b", penwidth=2.5]' : ""};`,
    );
  }
  plan.levels.forEach((level) => lines.push(`  { rank=same; ${level.map(q).join("; ")}; }`));
  lines.push("}");
  return `${lines.join("\n")}\n`;
}
