/**
 * One release's page: facts, verification jobs and results, upgrade edges, the changelog against
 * the previous accepted release and the components with digests and source commit links. Pure;
 * every value escaped.
 */
import type { StreamRelease } from "../api/index.js";
import { commitUrlOf, type ChangedSource, type ReleaseChangelog } from "./changelog.js";
import type { ChangelogCommit, SourceCommits } from "./changelog-commits.js";
import { html, safeHttpUrl, type SafeHtml } from "./html.js";
import type { ReleaseContent } from "./release-content.js";
import { upgradeEdges, type StreamModel, type UpgradeEdge } from "./release-streams-model.js";
import { badge, shortDigest, timeAgo, type Page } from "./render-layout.js";
import { payloadBuildPath, releasePath } from "./render-release-pages.js";

/** What the release page is given besides the stream. */
export interface ReleasePageInput {
  readonly stream: StreamModel;
  readonly release: StreamRelease;
  readonly previous: StreamRelease | undefined;
  /** The release's content, or why it could not be read (not pushed yet, registry error). */
  readonly content: ReleaseContent | { readonly error: string } | undefined;
  readonly changelog: ReleaseChangelog | { readonly error: string } | undefined;
  /** Every stream (upgrade edges may cross streams). */
  readonly streams: readonly StreamModel[];
  readonly nowMs: number;
}

function componentsTable(content: ReleaseContent): SafeHtml {
  return html`<table>
    <thead>
      <tr>
        <th scope="col">Component</th>
        <th scope="col">Digest</th>
        <th scope="col">Source commit</th>
      </tr>
    </thead>
    <tbody>
      ${content.components.map((c) => {
        const commitUrl = commitUrlOf(c);
        const repo = safeHttpUrl(c.sourceLocation);
        const commit =
          c.commitId === undefined
            ? html`<span class="muted">no commit label</span>`
            : commitUrl === undefined
              ? html`<code>${c.commitId.slice(0, 12)}</code>`
              : html`<a href="${commitUrl}"><code>${c.commitId.slice(0, 12)}</code></a>`;
        const source =
          c.sourceLocation === undefined
            ? ""
            : repo === undefined
              ? html` <span class="muted">${c.sourceLocation}</span>`
              : html` in <a href="${repo}">${c.sourceLocation}</a>`;
        return html`<tr data-component="${c.name}">
          <td class="component-name">${c.name}</td>
          <td>${shortDigest(c.digest)}</td>
          <td>
            ${commit}${source}${c.commitRef === undefined ? "" : html` <span class="muted">(${c.commitRef})</span>`}
          </td>
        </tr>`;
      })}
    </tbody>
  </table>`;
}

function commitItem(c: ChangelogCommit): SafeHtml {
  const id = html`<code>${c.id.slice(0, 12)}</code>`;
  const issues = Object.entries(c.issues).map(
    ([key, url]) => html` <a class="issue" href="${url}">${key}</a>`,
  );
  return html`<li data-commit="${c.id}">
    ${c.url === undefined ? id : html`<a href="${c.url}">${id}</a>`}
    <span class="commit-subject">${c.subject}</span>${
      c.pullId === undefined
        ? ""
        : c.pullUrl === undefined
          ? html` (#${c.pullId})`
          : html` (<a href="${c.pullUrl}">#${c.pullId}</a>)`
    }${issues}
    <span class="muted">${c.author}, ${c.committedAt}</span>
  </li>`;
}

function commitsOf(source: ChangedSource, commits: SourceCommits | undefined): SafeHtml {
  if (commits === undefined) return html``;
  if (commits.state === "pending")
    return html`<p class="muted commits-pending">
      Commits being fetched from the repository; the page shows them when they are here.
    </p>`;
  if (commits.state === "error")
    return html`<p class="alert commits-error">Commits not listed: ${commits.message}</p>`;
  const from = (source.fromCommit ?? "").slice(0, 12);
  const to = source.toCommit.slice(0, 12);
  const more = commits.total - commits.commits.length;
  const rest =
    more > 0 || !commits.complete
      ? html`<p class="muted commits-more">
          and ${commits.complete ? "" : "at least "}${more}
          more${
            source.compareUrl === undefined
              ? ""
              : html` (<a href="${source.compareUrl}">all on the forge</a>)`
          }
        </p>`
      : "";
  if (commits.toIsAncestor && !commits.fromIsAncestor)
    return html`<p class="muted commits-went-back">
      ${to} is an ancestor of ${from}: this release went back to an older commit, no commits were added.
    </p>`;
  return html`${
    commits.fromIsAncestor
      ? ""
      : html`<p class="alert commits-not-ancestor">
          ${from} is not an ancestor of
          ${to}${commits.complete ? " (or the git server does not have it)" : " within the history fetched"}:
          listing the commits of ${to} that ${from} does not have.
        </p>`
  }${
    commits.commits.length === 0
      ? html`<p class="muted">No commits between them.</p>`
      : html`<ol class="commits">
          ${commits.commits.map(commitItem)}
        </ol>`
  }${rest}`;
}

function changelogSection(input: ReleasePageInput): SafeHtml {
  const c = input.changelog;
  if (input.previous === undefined)
    return html`<p class="muted">No earlier release in this stream to compare with.</p>`;
  if (c === undefined)
    return html`<p class="muted">Changelog not available yet (the release image is not pushed).</p>`;
  if ("error" in c) return html`<p class="alert">Changelog unavailable: ${c.error}</p>`;
  const list = (title: string, names: readonly string[]): SafeHtml =>
    names.length === 0
      ? html``
      : html`<h3>${title}</h3>
          <ul>
            ${names.map((n) => html`<li>${n}</li>`)}
          </ul>`;
  return html`<p>
      Changes since <a href="${releasePath(input.stream, c.from)}">${c.from}</a> (${input.previous.phase}).
    </p>
    ${
      c.changed.length === 0
        ? html`<p>No component changed its source commit.</p>`
        : html`<ul class="changelog">
            ${c.changed.map((s) => {
              const range = html`<code>${(s.fromCommit ?? "?").slice(0, 12)}</code>..<code
                  >${s.toCommit.slice(0, 12)}</code
                >`;
              return html`<li data-images="${s.images.join(" ")}">
                <strong>${s.images.join(", ")}</strong>: ${s.sourceLocation ?? "unknown repository"}
                ${s.compareUrl === undefined ? range : html`<a class="compare" href="${s.compareUrl}">${range}</a>`}
                ${commitsOf(s, s.commits)}
              </li>`;
            })}
          </ul>`
    }
    ${list("New images", c.newImages)}${list("Removed images", c.removedImages)}${list("Rebuilt without a code change", c.rebuiltImages)}`;
}

function edgeList(edges: readonly UpgradeEdge[], side: "from" | "to", input: ReleasePageInput): SafeHtml {
  if (edges.length === 0) return html`<span class="muted">none</span>`;
  const pathOf = (name: string): string | undefined => {
    const stream = input.streams.find((s) => s.releases.some((r) => r.name === name));
    return stream === undefined ? undefined : releasePath(stream, name);
  };
  return html`<ul>
    ${edges.map((e) => {
      const other = side === "from" ? e.from : e.to;
      const path = pathOf(other);
      return html`<li>
        ${path === undefined ? other : html`<a href="${path}">${other}</a>`} ${badge("result", e.result)}
      </li>`;
    })}
  </ul>`;
}

/** One release: facts, verification, upgrades, components and changelog. */
export function releasePage(input: ReleasePageInput): Page {
  const { stream, release: r, nowMs } = input;
  const edges = upgradeEdges(input.streams);
  const head = html`<p class="muted">
      <a href="/">Release streams</a> › <a href="${stream.path}">${stream.name}</a>
    </p>
    <h1>${r.name}</h1>`;
  const content = input.content;
  const live = html`<dl class="facts">
      <dt>Phase</dt>
      <dd>
        ${badge("phase", r.phase)}${r.reason === undefined ? "" : html` <span class="muted">${r.reason}</span>`}
      </dd>
      ${
        r.message === undefined
          ? ""
          : html`<dt>Message</dt>
              <dd>${r.message}</dd>`
      }
      <dt>Created</dt>
      <dd>${timeAgo(r.createdAt, nowMs)}</dd>
      <dt>Pull spec</dt>
      <dd><code>${r.image ?? "not pushed yet"}</code></dd>
      <dt>Digest</dt>
      <dd><code>${r.digest ?? "-"}</code></dd>
      ${
        r.payloadBuild === undefined
          ? ""
          : html`<dt>Built by</dt>
              <dd>
                <a href="${payloadBuildPath(stream.namespace, r.payloadBuild)}"
                  >PayloadBuild ${r.payloadBuild}</a
                >
              </dd>`
      }
    </dl>
    <h2>Verification</h2>
    ${
      (r.verifications ?? []).length === 0
        ? html`<p class="muted">No verification for this release.</p>`
        : html`<table>
            <thead>
              <tr>
                <th scope="col">Job</th>
                <th scope="col">Result</th>
                <th scope="col">Attempts</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              ${(r.verifications ?? []).map(
                (v) =>
                  html`<tr data-verification="${v.name}">
                    <td>
                      ${v.name}${v.optional === true ? html` <span class="muted">(optional)</span>` : ""}
                    </td>
                    <td>${badge("state", v.state)}</td>
                    <td>${v.attempts ?? 0}</td>
                    <td>
                      ${v.job === undefined ? "" : html`Job <code>${v.job}</code>`}${v.message === undefined ? "" : html`<div>${v.message}</div>`}
                    </td>
                  </tr>`,
              )}
            </tbody>
          </table>`
    }
    <h2>Upgrades</h2>
    <p>
      Upgrades from:
      ${edgeList(
        edges.filter((e) => e.to === r.name),
        "from",
        input,
      )}
    </p>
    <p>
      Upgrades to:
      ${edgeList(
        edges.filter((e) => e.from === r.name),
        "to",
        input,
      )}
    </p>
    <h2>Changelog</h2>
    ${changelogSection(input)}
    <h2>Components</h2>
    ${content === undefined ? html`<p class="muted">The release image is not pushed yet.</p>` : "error" in content ? html`<p class="alert">Could not read the release image: ${content.error}</p>` : componentsTable(content)}`;
  return { title: r.name, head, live, isLive: true };
}
