/**
 * The live build view of one PayloadBuild (progress, dependency graph with the critical path,
 * timeline, failures) and the list of PayloadBuilds. The graph and the timeline are SVG drawn on the
 * server; the page's live region is re-fetched as the build advances. Every value escaped.
 */
import { html, type SafeHtml } from "./html.js";
import type { PayloadBuildModel, TimelineEntry } from "./payload-build-model.js";
import { renderGraph, renderTimeline } from "./render-build-charts.js";
import { badge, type Page } from "./render-layout.js";
import { payloadBuildPath } from "./render-release-pages.js";

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
