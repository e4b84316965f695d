/**
 * The build view's two drawings, as server-rendered SVG: the dependency graph in levels (left to
 * right, the critical path in thick black) and the timeline of each build's waiting and running span.
 * Every node and bar carries its component and state as data attributes and in a `<title>`.
 */
import { html, type SafeHtml } from "./html.js";
import type { GraphNode, PayloadBuildModel } from "./payload-build-model.js";

const NODE_W = 170;
const NODE_H = 30;
const COL_GAP = 60;
const ROW_GAP = 12;
const PAD = 10;

const GLYPH: Readonly<Record<string, string>> = {
  Landed: "✓",
  Reused: "↺",
  Building: "▶",
  Waiting: "…",
  Failed: "✗",
  Blocked: "⊘",
};

function label(name: string): string {
  return name.length > 22 ? `${name.slice(0, 21)}…` : name;
}

function position(n: GraphNode): { x: number; y: number } {
  return { x: PAD + n.level * (NODE_W + COL_GAP), y: PAD + n.row * (NODE_H + ROW_GAP) };
}

/** The dependency graph in levels (left to right), critical path in thick black. */
export function renderGraph(model: PayloadBuildModel): SafeHtml {
  if (model.problem !== undefined) return html`<p class="alert">Cannot draw the graph: ${model.problem}</p>`;
  if (model.nodes.length === 0) return html`<p class="muted">No components.</p>`;
  const at = new Map(model.nodes.map((n) => [n.name, position(n)]));
  const rows = Math.max(...model.nodes.map((n) => n.row + 1));
  const width = PAD * 2 + model.levels * NODE_W + (model.levels - 1) * COL_GAP;
  const height = PAD * 2 + rows * NODE_H + (rows - 1) * ROW_GAP;
  const edges = [...model.edges].sort((a, b) => Number(a.critical) - Number(b.critical));
  return html`<div class="scroll">
      <svg
        id="graph"
        role="img"
        aria-labelledby="graph-title"
        width="${width}"
        height="${height}"
        viewBox="${`0 0 ${width} ${height}`}"
        xmlns="http://www.w3.org/2000/svg"
      >
        <title id="graph-title">
          Dependency graph of ${model.name}: ${model.nodes.length} components in ${model.levels} levels;
          critical path ${model.criticalPath.join(" → ")}
        </title>
        ${edges.map((e) => {
          const a = at.get(e.from);
          const b = at.get(e.to);
          if (a === undefined || b === undefined) return "";
          const x1 = a.x + NODE_W;
          const y1 = a.y + NODE_H / 2;
          const x2 = b.x;
          const y2 = b.y + NODE_H / 2;
          const mid = (x1 + x2) / 2;
          return html`<path
            class="${e.critical ? "edge critical" : "edge"}"
            data-from="${e.from}"
            data-to="${e.to}"
            d="${`M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`}"
          />`;
        })}
        ${model.nodes.map((n) => {
          const p = position(n);
          return html`<g
            class="${`node state-${n.state.toLowerCase()}${n.critical ? " critical" : ""}`}"
            data-component="${n.name}"
            data-state="${n.state}"
            transform="${`translate(${p.x},${p.y})`}"
            ><title>${n.name}: ${n.state}${n.critical ? " (critical path)" : ""}</title
            ><rect
              class="${`fill-${n.state.toLowerCase()}`}"
              width="${NODE_W}"
              height="${NODE_H}"
              rx="4"
            /><text x="8" y="19">${GLYPH[n.state] ?? ""} ${label(n.name)}</text></g
          >`;
        })}
      </svg>
    </div>
    <p class="legend">
      <span>Node symbols: ✓ Landed · ↺ Reused · ▶ Building · … Waiting · ✗ Failed · ⊘ Blocked</span
      ><span>Thick black outline and edges: the critical path</span>
    </p>`;
}

/** The timeline: per component a grey waiting span (ready to started) and a running span (started to end). */
export function renderTimeline(model: PayloadBuildModel): SafeHtml {
  const rows = model.timeline.filter((t) => t.startedAt !== undefined);
  if (rows.length === 0) return html`<p class="muted">No build has started yet.</p>`;
  const labelW = 190;
  const plotW = 760;
  const rowH = 18;
  const scale = plotW / model.spanSeconds;
  const height = rows.length * rowH + 24;
  return html`<div class="scroll">
      <svg
        id="timeline"
        role="img"
        aria-labelledby="timeline-title"
        width="${labelW + plotW + 20}"
        height="${height}"
        xmlns="http://www.w3.org/2000/svg"
      >
        <title id="timeline-title">
          Timeline of ${rows.length} builds over ${Math.round(model.spanSeconds)} seconds
        </title>
        ${rows.map((t, i) => {
          const y = i * rowH + 4;
          const start = t.startedAt ?? 0;
          const ready = Math.min(t.readyAt ?? start, start);
          const end = t.endedAt ?? start;
          const runClass =
            t.state === "Landed" || t.state === "Reused"
              ? "span-landed"
              : t.state === "Failed"
                ? "span-failed"
                : "span-run";
          return html`<g data-component="${t.name}" data-state="${t.state}"
            ><title>
              ${t.name}: ${t.state}; waited ${Math.round(start - ready)} s, ran ${Math.round(end - start)}
              s${t.attempts > 1 ? `, ${t.attempts} attempts` : ""}</title
            ><text x="0" y="${y + 12}">${label(t.name)}</text
            ><rect
              class="span-wait"
              x="${labelW + ready * scale}"
              y="${y + 3}"
              width="${Math.max(0, (start - ready) * scale)}"
              height="10" /><rect
              class="${runClass}"
              x="${labelW + start * scale}"
              y="${y + 1}"
              width="${Math.max(2, (end - start) * scale)}"
              height="14"
          /></g>`;
        })}
        <text x="${labelW}" y="${height - 4}">0 s</text>
        <text x="${labelW + plotW}" y="${height - 4}" text-anchor="end">
          ${Math.round(model.spanSeconds)} s
        </text>
      </svg>
    </div>
    <p class="legend">
      <span>Grey: waiting for a slot after its dependencies landed</span
      ><span>Blue: building · Green: landed · Red: failed</span>
    </p>`;
}
