/**
 * The stream pages: the streams overview (newest releases of each stream) and one stream (all its
 * releases), and the paths of the pages. Pure renderers of the models; every value escaped.
 */
import type { StreamRelease } from "../api/index.js";
import { html, joinHtml, type SafeHtml } from "./html.js";
import type { StreamModel } from "./release-streams-model.js";
import { badge, shortDigest, timeAgo, type Page } from "./render-layout.js";

/** Releases shown per stream on the overview. */
export const OVERVIEW_RELEASES = 5;

/** The URL path of a release's page. */
export function releasePath(stream: StreamModel, release: string): string {
  const [base, query] = stream.path.split("?");
  return `${base ?? ""}/release/${encodeURIComponent(release)}${query === undefined ? "" : `?${query}`}`;
}

/** The URL path of a PayloadBuild's page. */
export function payloadBuildPath(namespace: string, name: string): string {
  return `/payloadbuild/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`;
}

function verificationSummary(r: StreamRelease): SafeHtml {
  const v = r.verifications ?? [];
  if (v.length === 0) return html`<span class="muted">none</span>`;
  return joinHtml(
    v.map(
      (x) =>
        html`${badge("state", x.state, `${x.name}${x.optional === true ? " (optional)" : ""}: ${x.state}`)}`,
    ),
    " ",
  );
}

function releaseRows(stream: StreamModel, releases: readonly StreamRelease[], nowMs: number): SafeHtml {
  if (releases.length === 0)
    return html`<tr>
      <td colspan="5" class="muted">No releases yet.</td>
    </tr>`;
  return joinHtml(
    releases.map(
      (r) =>
        html`<tr data-release="${r.name}">
          <td><a href="${releasePath(stream, r.name)}">${r.name}</a></td>
          <td>${badge("phase", r.phase)}</td>
          <td>${timeAgo(r.createdAt, nowMs)}</td>
          <td>${shortDigest(r.digest)}</td>
          <td>${verificationSummary(r)}</td>
        </tr>`,
    ),
  );
}

function releaseTable(
  stream: StreamModel,
  releases: readonly StreamRelease[],
  nowMs: number,
  caption: string,
): SafeHtml {
  return html`<table>
    <caption class="muted" style="text-align:left">
      ${caption}
    </caption>
    <thead>
      <tr>
        <th scope="col">Name</th>
        <th scope="col">Phase</th>
        <th scope="col">Started</th>
        <th scope="col">Digest</th>
        <th scope="col">Verification</th>
      </tr>
    </thead>
    <tbody>
      ${releaseRows(stream, releases, nowMs)}
    </tbody>
  </table>`;
}

/** The overview page: every stream with its newest releases. */
export function streamsOverviewPage(streams: readonly StreamModel[], nowMs: number, synced: boolean): Page {
  const live = html`${synced ? "" : html`<p class="muted">Loading: the operator's caches are still filling.</p>`}
  ${streams.length === 0 && synced ? html`<p>No ReleaseStreams yet. Create one: <code>kubectl apply -f config/samples/releasestream.yaml</code></p>` : ""}
  ${streams.map(
    (s) =>
      html`<section aria-labelledby="${`stream-${s.namespace}-${s.name}`}">
        <h2 id="${`stream-${s.namespace}-${s.name}`}">
          <a href="${s.path}">${s.name}</a>
          <span class="muted">(${s.namespace}, releases ${s.prefix}-*)</span>
        </h2>
        <p>
          Latest accepted:
          ${s.latestAccepted === undefined ? html`<span class="muted">none yet</span>` : html`<a href="${releasePath(s, s.latestAccepted)}">${s.latestAccepted}</a>`}
          · <a href="${`/api/v1/releasestream/${encodeURIComponent(s.name)}/latest`}">latest (JSON)</a>
        </p>
        ${releaseTable(s, s.releases.slice(0, OVERVIEW_RELEASES), nowMs, s.releases.length > OVERVIEW_RELEASES ? `Newest ${OVERVIEW_RELEASES} of ${s.releases.length} releases` : `${s.releases.length} release(s)`)}
      </section>`,
  )}`;
  return { title: "Release streams", head: html`<h1>Release streams</h1>`, live, isLive: true };
}

/** One stream: all its releases. */
export function streamPage(stream: StreamModel, nowMs: number): Page {
  const head = html`<p class="muted"><a href="/">Release streams</a> › ${stream.namespace}</p>
    <h1>Release stream ${stream.name}</h1>
    <p>
      Releases named <code>${stream.prefix}-YYYY-MM-DD-HHMMSS</code>, pushed to
      <code>${stream.repository ?? "-"}</code>. API:
      <a href="${`/api/v1/releasestream/${encodeURIComponent(stream.name)}/tags`}">tags</a>,
      <a href="${`/api/v1/releasestream/${encodeURIComponent(stream.name)}/latest`}">latest accepted</a>.
    </p>`;
  return {
    title: `Stream ${stream.name}`,
    head,
    live: releaseTable(stream, stream.releases, nowMs, `${stream.releases.length} release(s), newest first`),
    isLive: true,
  };
}
