/**
 * The route table: which page or API answers a GET of a path. Reads only the {@link WebSource}
 * (informer stores) and the release content cache; never writes anything.
 */
import type { ReleaseChangelog } from "./changelog.js";
import { releaseChangelog } from "./changelog.js";
import { rangeKeyOf, withCommits } from "./changelog-commits.js";
import type { CommitLog } from "./commit-log.js";
import { graphResponse } from "./cincinnati-graph.js";
import { html } from "./html.js";
import { payloadBuildModel } from "./payload-build-model.js";
import type { ReleaseContent, ReleaseContentReader } from "./release-content.js";
import {
  apiError,
  latestResponse,
  releaseInfoResponse,
  streamsByPhaseResponse,
  tagsResponse,
  type ApiResponse,
} from "./release-api.js";
import { findStream, previousReleaseOf, streamModels, type StreamModel } from "./release-streams-model.js";
import { renderDocument, type Page } from "./render-layout.js";
import { payloadBuildPage, payloadBuildsPage } from "./render-payload-build.js";
import { releasePage } from "./render-release-page.js";
import { releasePath, streamPage, streamsOverviewPage } from "./render-release-pages.js";
import type { WebSource } from "./web-source.js";
import type { StreamRelease } from "../api/index.js";

/** What the routes read. */
export interface RouteDeps {
  readonly source: WebSource;
  readonly readRelease: ReleaseContentReader;
  readonly now: () => number;
  /** Lists the commits of the changelog's ranges (absent: ranges only, with compare links). */
  readonly commitLog?: CommitLog | undefined;
  /** Longest a release page or its JSON waits for commits still being fetched. Default 1500 ms. */
  readonly commitWaitMs?: number | undefined;
}

const HTML_TYPE = "text/html; charset=utf-8";

function page(p: Page, query: URLSearchParams): ApiResponse {
  const body = query.get("fragment") === "live" ? p.live.value : renderDocument(p).value;
  return { status: 200, contentType: HTML_TYPE, body };
}

function notFoundPage(message: string, status = 404): ApiResponse {
  const p: Page = {
    title: "Not found",
    head: html`<h1>Not found</h1>`,
    live: html`<p>${message}</p>
      <p><a href="/">All release streams</a></p>`,
    isLive: false,
  };
  return { status, contentType: HTML_TYPE, body: renderDocument(p).value };
}

type Content = ReleaseContent | { readonly error: string } | undefined;

async function contentOf(
  deps: RouteDeps,
  stream: StreamModel,
  release: StreamRelease | undefined,
): Promise<Content> {
  if (release?.image === undefined) return undefined;
  try {
    return await deps.readRelease(release.image, {
      namespace: stream.namespace,
      pushSecret: stream.pushSecret,
    });
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

async function releaseDetails(
  deps: RouteDeps,
  stream: StreamModel,
  release: StreamRelease,
  from: string | null,
): Promise<{
  content: Content;
  changelog: ReleaseChangelog | { error: string } | undefined;
  previous: StreamRelease | undefined;
}> {
  // ?from=TAG picks the changelog base (release-controller's override), else the previous accepted one.
  const previous =
    (from === null ? undefined : stream.releases.find((r) => r.name === from && r.name !== release.name)) ??
    previousReleaseOf(stream, release.name);
  const [content, before] = await Promise.all([
    contentOf(deps, stream, release),
    contentOf(deps, stream, previous),
  ]);
  let changelog: ReleaseChangelog | { error: string } | undefined;
  if (content !== undefined && before !== undefined && previous !== undefined) {
    if ("error" in content) changelog = { error: content.error };
    else if ("error" in before) changelog = { error: `${previous.name}: ${before.error}` };
    else
      changelog = releaseChangelog(
        { name: previous.name, components: before.components },
        { name: release.name, components: content.components },
      );
  }
  const log = deps.commitLog;
  if (log !== undefined && changelog !== undefined && !("error" in changelog)) {
    // Fetches start (or are found) now; the page waits a little for them, then shows what is ready.
    const keys = changelog.changed.flatMap((s) => rangeKeyOf(s, stream.namespace) ?? []);
    for (const key of keys) log.lookup(key);
    await log.settle(keys, deps.commitWaitMs ?? 1500);
    changelog = withCommits(changelog, stream.namespace, (key) => log.lookup(key));
  }
  return { content, changelog, previous };
}

const segment = (s: string | undefined): string => decodeURIComponent(s ?? "");

/** Answers a GET of `url` (path and query); 404 for anything unknown. */
export async function route(url: URL, deps: RouteDeps): Promise<ApiResponse> {
  const query = url.searchParams;
  const parts = url.pathname.split("/").filter((p) => p !== "");
  const streams = (): StreamModel[] => streamModels(deps.source.releaseStreams());
  const namespace = query.get("namespace") ?? undefined;
  try {
    if (parts.length === 0)
      return page(streamsOverviewPage(streams(), deps.now(), deps.source.isSynced()), query);
    const [first, second, third, fourth, fifth, sixth] = parts;
    if (first === "graph" && parts.length === 1) return graphResponse(streams(), query);
    if (first === "api" && second === "v1" && third === "releasestream" && fourth !== undefined) {
      const name = segment(fourth);
      if (fifth === "latest" && parts.length === 5) return latestResponse(streams(), name, query);
      if (fifth === "tags" && parts.length === 5) return tagsResponse(streams(), name, query);
      if (fifth === "release" && sixth !== undefined && parts.length === 6) {
        const models = streams();
        const found = findStream(models, name, namespace);
        const release =
          found.kind === "found" ? found.stream.releases.find((r) => r.name === segment(sixth)) : undefined;
        const details =
          found.kind === "found" && release !== undefined && query.get("format") !== "short"
            ? await releaseDetails(deps, found.stream, release, query.get("from"))
            : undefined;
        const changelog = details?.changelog;
        return releaseInfoResponse(
          models,
          name,
          segment(sixth),
          query,
          changelog === undefined || "error" in changelog ? undefined : changelog,
        );
      }
      return apiError(404, `no API at ${url.pathname}`);
    }
    if (
      first === "api" &&
      second === "v1" &&
      third === "releasestreams" &&
      fourth !== undefined &&
      parts.length === 4
    )
      return streamsByPhaseResponse(streams(), segment(fourth));
    if (first === "releasetag" && second !== undefined && parts.length === 2) {
      // release-controller's tag-only address: the release's page in whichever stream has it.
      const tag = segment(second);
      const stream = streams().find((m) => m.releases.some((r) => r.name === tag));
      if (stream === undefined) return notFoundPage(`release ${tag} not found in any stream`);
      return { status: 302, contentType: HTML_TYPE, body: "", location: releasePath(stream, tag) };
    }
    if (first === "releasestream" && second !== undefined) {
      const models = streams();
      const found = findStream(models, segment(second), namespace);
      if (found.kind !== "found") return notFoundPage(found.message, found.kind === "missing" ? 404 : 400);
      if (parts.length === 2) return page(streamPage(found.stream, deps.now()), query);
      if (third === "release" && fourth !== undefined && parts.length === 4) {
        const release = found.stream.releases.find((r) => r.name === segment(fourth));
        if (release === undefined)
          return notFoundPage(`release ${segment(fourth)} not found in stream ${found.stream.name}`);
        const details = await releaseDetails(deps, found.stream, release, query.get("from"));
        return page(
          releasePage({ stream: found.stream, release, streams: models, nowMs: deps.now(), ...details }),
          query,
        );
      }
    }
    if (first === "payloadbuilds" && parts.length === 1) {
      const now = deps.now();
      const models = deps.source
        .payloadBuilds()
        .map((pb) => payloadBuildModel(pb, now))
        .sort((a, b) =>
          a.namespace === b.namespace ? (a.name < b.name ? -1 : 1) : a.namespace < b.namespace ? -1 : 1,
        );
      return page(payloadBuildsPage(models), query);
    }
    if (first === "payloadbuild" && second !== undefined && third !== undefined && parts.length === 3) {
      const pb = deps.source
        .payloadBuilds()
        .find((o) => o.metadata.namespace === segment(second) && o.metadata.name === segment(third));
      if (pb === undefined)
        return notFoundPage(`PayloadBuild ${segment(second)}/${segment(third)} not found`);
      return page(payloadBuildPage(payloadBuildModel(pb, deps.now())), query);
    }
    return notFoundPage(`nothing at ${url.pathname}`);
  } catch (error) {
    if (error instanceof URIError) return apiError(400, `malformed path ${url.pathname}`);
    throw error;
  }
}
