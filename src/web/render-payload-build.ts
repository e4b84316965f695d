/**
 * The live build view of one PayloadBuild (progress, dependency graph with the critical path,
 * timeline, failures) and the list of PayloadBuilds. The graph and the timeline are SVG drawn on the
 * server; the page's live region is re-fetched as the build advances. Every value escaped.
 */
import { html, type SafeHtml } from "./html.js";
import type { GraphNode, PayloadBuildModel, TimelineEntry } from "./payload-build-model.js";
import { badge, type Page } from "./render-layout.js";
import { payloadBuildPath } from "./render-release-pages.js";

const NODE_W = 170;
const NODE_H = 30;
const COL_GAP = 60;
const ROW_GAP = 12;
const PAD = 10;

const GLYPH: Readonly<Record<string, string>> = {
  Landed: "✓",
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
      <span>Node symbols: ✓ Landed · ▶ Building · … Waiting · ✗ Failed · ⊘ Blocked</span
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
            t.state === "Landed" ? "span-landed" : t.state === "Failed" ? "span-failed" : "span-run";
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

function duration(t: TimelineEntry): string {
  if (t.startedAt === undefined || t.endedAt === undefined) return "-";
  return `${Math.round(t.endedAt - t.startedAt)} s`;
}

/** Every component with its state in words: the graph and the timeline as a table. */
export function renderComponentTable(model: PayloadBuildModel): SafeHtml {
  const byName = new Map(model.timeline.map((t) => [t.name, t]));
  const nodes = new Map(model.nodes.map((n) => [n.name, n]));
  const rows = model.nodes.length > 0 ? model.nodes.map((n) => n.name) : model.timeline.map((t) => t.name);
  return html`<details id="components">
    <summary id="components-summary">All ${rows.length} components as a table</summary>
    <table>
      <thead>
        <tr>
          <th scope="col">Component</th>
          <th scope="col">State</th>
          <th scope="col">Critical path</th>
          <th scope="col">Attempts</th>
          <th scope="col">Waited</th>
          <th scope="col">Ran</th>
        </tr>
      </thead>
      <tbody>
        ${rows.map((name) => {
          const t = byName.get(name);
          const node = nodes.get(name);
          const state = t?.state ?? node?.state ?? "Waiting";
          const waited =
            t?.startedAt === undefined || t.readyAt === undefined
              ? "-"
              : `${Math.round(t.startedAt - t.readyAt)} s`;
          return html`<tr data-component="${name}">
            <td class="component-name">${name}</td>
            <td>${badge("state", state)}</td>
            <td>${node?.critical === true ? "yes" : ""}</td>
            <td>${t?.attempts ?? 0}</td>
            <td>${waited}</td>
            <td>${t === undefined ? "-" : duration(t)}</td>
          </tr>`;
        })}
      </tbody>
    </table>
  </details>`;
}

/** The live part of the build page. */
export function payloadBuildLive(model: PayloadBuildModel): SafeHtml {
  const c = model.counts;
  return html`<dl class="facts">
      <dt>Phase</dt>
      <dd>${badge("phase", model.phase)}</dd>
      <dt>Progress</dt>
      <dd>
        <div
          class="progress"
          role="progressbar"
          aria-label="Components landed"
          aria-valuemin="0"
          aria-valuemax="${c.total}"
          aria-valuenow="${c.landed}"
        >
          <span style="${`width:${model.percent}%`}"></span>
        </div>
        <span id="progress-text">${c.landed}/${c.total} landed (${model.percent}%)</span>
      </dd>
      <dt>Components</dt>
      <dd class="counts">
        ${badge("state", "Landed", `Landed ${c.landed}`)}
        ${badge("state", "Building", `Building ${c.building}`)}
        ${badge("state", "Waiting", `Waiting ${c.waiting}`)} ${badge("state", "Failed", `Failed ${c.failed}`)}
        ${badge("state", "Blocked", `Blocked ${c.blocked}`)}
      </dd>
      <dt>Critical path</dt>
      <dd>${model.criticalPath.length === 0 ? "-" : model.criticalPath.join(" → ")}</dd>
      ${
        model.release === undefined
          ? ""
          : html`<dt>Release</dt>
              <dd>${model.release.name} <code>${model.release.image ?? ""}</code></dd>`
      }
    </dl>
    <h2>Dependency graph</h2>
    ${renderGraph(model)}
    <h2>Timeline</h2>
    ${renderTimeline(model)} ${renderComponentTable(model)}
    <h2>Failures</h2>
    ${
      model.failures.length === 0
        ? html`<p class="muted">No failures.</p>`
        : model.failures.map(
            (f) =>
              html`<section class="failure" data-component="${f.name}">
                <h3>
                  ${badge("state", f.state)}
                  <span class="component-name">${f.name}</span
                  >${f.build === undefined ? "" : html` <span class="muted">(build ${f.build})</span>`}
                </h3>
                <p>${f.reason}</p>
                ${f.log === undefined ? "" : html`<pre class="log">${f.log}</pre>`}
              </section>`,
          )
    }`;
}

/** The build page. */
export function payloadBuildPage(model: PayloadBuildModel): Page {
  const head = html`<p class="muted"><a href="/payloadbuilds">Payload builds</a> › ${model.namespace}</p>
    <h1>PayloadBuild ${model.name}</h1>`;
  return { title: `PayloadBuild ${model.name}`, head, live: payloadBuildLive(model), isLive: true };
}

/** The list of PayloadBuilds. */
export function payloadBuildsPage(models: readonly PayloadBuildModel[]): Page {
  const live = html`<table>
    <thead>
      <tr>
        <th scope="col">Namespace</th>
        <th scope="col">Name</th>
        <th scope="col">Phase</th>
        <th scope="col">Landed</th>
        <th scope="col">Release</th>
      </tr>
    </thead>
    <tbody>
      ${
        models.length === 0
          ? html`<tr>
              <td colspan="5" class="muted">No PayloadBuilds.</td>
            </tr>`
          : models.map(
              (m) =>
                html`<tr>
                  <td>${m.namespace}</td>
                  <td><a href="${payloadBuildPath(m.namespace, m.name)}">${m.name}</a></td>
                  <td>${badge("phase", m.phase)}</td>
                  <td>${m.counts.landed}/${m.counts.total}</td>
                  <td>${m.release?.name ?? "-"}</td>
                </tr>`,
            )
      }
    </tbody>
  </table>`;
  return { title: "Payload builds", head: html`<h1>Payload builds</h1>`, live, isLive: true };
}
