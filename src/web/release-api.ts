/**
 * The JSON API, in release-controller's shapes where the two overlap (`/api/v1/releasestream/...`,
 * `/graph`). Pure: each builder takes the stream models and the query, and returns an
 * {@link ApiResponse} (status, content type, body) that the server writes as is.
 */
import type { StreamRelease } from "../api/index.js";
import type { ChangedSource, ReleaseChangelog } from "./changelog.js";
import { parseVersion, parseVersionRange } from "./semver-range.js";
import {
  findStream,
  tagPullSpec,
  upgradeEdges,
  type StreamModel,
  type UpgradeEdge,
} from "./release-streams-model.js";

/** A finished response. */
export interface ApiResponse {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
  /** Where a redirect (3xx) points. */
  readonly location?: string;
}

/** release-controller's `APITag`. */
export interface ApiTag {
  readonly name: string;
  readonly phase: string;
  readonly pullSpec: string;
  readonly downloadURL: string;
}

const JSON_TYPE = "application/json";

/** A JSON answer, indented as release-controller writes it. */
export function jsonResponse(status: number, value: unknown): ApiResponse {
  return { status, contentType: JSON_TYPE, body: `${JSON.stringify(value, null, 2)}\n` };
}

function text(status: number, body: string): ApiResponse {
  return { status, contentType: "text/plain; charset=utf-8", body: `${body}\n` };
}

/** An error: plain text, as release-controller answers them. */
export function apiError(status: number, message: string): ApiResponse {
  return text(status, message);
}

function apiTag(stream: StreamModel, release: StreamRelease): ApiTag {
  return {
    name: release.name,
    phase: release.phase,
    pullSpec: tagPullSpec(stream, release),
    downloadURL: "",
  };
}

function lookup(
  models: readonly StreamModel[],
  name: string,
  query: URLSearchParams,
): StreamModel | ApiResponse {
  const found = findStream(models, name, query.get("namespace") ?? undefined);
  if (found.kind === "found") return found.stream;
  return apiError(found.kind === "missing" ? 404 : 400, found.message);
}

/**
 * `GET /api/v1/releasestream/{name}/latest`: the newest Accepted release (semver order), filtered by
 * `prefix`, `in` (a semver range) and `rel` (skip the N newest matches); `format` `json` (default),
 * `pullSpec`, `name` or `downloadURL`. 404 when nothing matches, 400 for a malformed `in`, `rel` or `format`.
 */
export function latestResponse(
  models: readonly StreamModel[],
  name: string,
  query: URLSearchParams,
): ApiResponse {
  const stream = lookup(models, name, query);
  if ("status" in stream) return stream;
  let candidates = stream.releases.filter((r) => r.phase === "Accepted");
  const prefix = query.get("prefix");
  if (prefix !== null && prefix !== "") candidates = candidates.filter((r) => r.name.startsWith(prefix));
  const range = query.get("in");
  if (range !== null && range !== "") {
    let inRange;
    try {
      inRange = parseVersionRange(range);
    } catch (error) {
      return apiError(400, `in: ${(error as Error).message}`);
    }
    candidates = candidates.filter((r) => {
      const v = parseVersion(r.name);
      return v !== undefined && inRange(v);
    });
  }
  const relText = query.get("rel");
  let rel = 0;
  if (relText !== null && relText !== "") {
    if (!/^\d+$/.test(relText))
      return apiError(400, `rel: must be a whole number >= 0, got ${JSON.stringify(relText)}`);
    rel = Number(relText);
  }
  const release = candidates[rel];
  if (release === undefined)
    return apiError(
      404,
      `no accepted release in stream ${stream.name} matches${rel > 0 ? ` (rel=${rel})` : ""}`,
    );
  const tag = apiTag(stream, release);
  const format = query.get("format") ?? "";
  switch (format) {
    case "":
    case "json":
      return jsonResponse(200, tag);
    case "pullSpec":
      return text(200, tag.pullSpec);
    case "name":
      return text(200, tag.name);
    case "downloadURL":
      return text(200, tag.downloadURL);
    default:
      return apiError(
        400,
        `format: must be json, pullSpec, name or downloadURL, got ${JSON.stringify(format)}`,
      );
  }
}

/** `GET /api/v1/releasestream/{name}/tags[?phase=X&phase=Y]`: `{name, tags:[APITag]}`, newest first. */
export function tagsResponse(
  models: readonly StreamModel[],
  name: string,
  query: URLSearchParams,
): ApiResponse {
  const stream = lookup(models, name, query);
  if ("status" in stream) return stream;
  const phases = query.getAll("phase").filter((p) => p !== "");
  const releases = stream.releases.filter((r) => phases.length === 0 || phases.includes(r.phase));
  return jsonResponse(200, { name: stream.name, tags: releases.map((r) => apiTag(stream, r)) });
}

/** release-controller's `APIReleaseInfo.results[*][job]`. */
interface ApiJobResult {
  readonly state: string;
  readonly url: string;
  readonly retries?: number;
  readonly transitionTime?: string;
}

/** release-controller's `UpgradeHistory` (upper-case field names, as it serialises them). */
interface ApiUpgradeHistory {
  readonly From: string;
  readonly To: string;
  readonly Success: number;
  readonly Failure: number;
  readonly Total: number;
}

function history(edge: UpgradeEdge): ApiUpgradeHistory {
  return {
    From: edge.from,
    To: edge.to,
    Success: edge.result === "success" ? 1 : 0,
    Failure: edge.result === "failure" ? 1 : 0,
    Total: 1,
  };
}

/** Job state names as release-controller uses them (Running is still Pending there). */
function jobState(state: string): string {
  return state === "Running" ? "Pending" : state;
}

/**
 * `GET /api/v1/releasestream/{name}/release/{tag}`: `{name, phase, results:{blockingJobs,
 * informingJobs}, upgradesTo, upgradesFrom, changeLogJson}`. `changelog` is what the page computed
 * (omitted with `format=short` or when the release content could not be read).
 */
export function releaseInfoResponse(
  models: readonly StreamModel[],
  name: string,
  tag: string,
  query: URLSearchParams,
  changelog?: ReleaseChangelog,
): ApiResponse {
  const stream = lookup(models, name, query);
  if ("status" in stream) return stream;
  const release = stream.releases.find((r) => r.name === tag);
  if (release === undefined) return apiError(404, `release ${tag} not found in stream ${stream.name}`);
  const blocking: Record<string, ApiJobResult> = {};
  const informing: Record<string, ApiJobResult> = {};
  for (const v of release.verifications ?? []) {
    const result: ApiJobResult = {
      state: jobState(v.state),
      url: "",
      ...((v.attempts ?? 0) > 1 ? { retries: (v.attempts ?? 1) - 1 } : {}),
    };
    (v.optional === true ? informing : blocking)[v.name] = result;
  }
  const edges = upgradeEdges(models);
  const short = query.get("format") === "short";
  return jsonResponse(200, {
    name: release.name,
    phase: release.phase,
    results: { blockingJobs: blocking, informingJobs: informing },
    upgradesTo: edges.filter((e) => e.from === release.name).map(history),
    upgradesFrom: edges.filter((e) => e.to === release.name).map(history),
    ...(short || changelog === undefined ? {} : { changeLogJson: changelogJson(changelog) }),
  });
}

/** A changed source's commits as release-controller's `CommitInfo` list, or why there are none. */
function commitsJson(s: ChangedSource): Record<string, unknown> {
  const c = s.commits;
  if (c === undefined) return {};
  if (c.state === "pending") return { commitsMessage: "commits being fetched; ask again" };
  if (c.state === "error") return { commitsMessage: c.message };
  return {
    commits: c.commits.map((commit) => ({
      subject: commit.subject,
      commitID: commit.id,
      ...(commit.url === undefined ? {} : { commitURL: commit.url }),
      commitDate: commit.committedAt,
      ...(commit.pullId === undefined ? {} : { pullID: commit.pullId }),
      ...(commit.pullUrl === undefined ? {} : { pullURL: commit.pullUrl }),
      ...(Object.keys(commit.issues).length === 0 ? {} : { issues: commit.issues }),
    })),
    ...(c.total > c.commits.length || !c.complete
      ? { commitsMessage: `and ${c.complete ? "" : "at least "}${c.total - c.commits.length} more` }
      : {}),
    ...(c.fromIsAncestor || c.toIsAncestor ? {} : { fromIsAncestor: false }),
    ...(c.toIsAncestor && !c.fromIsAncestor ? { toIsAncestor: true } : {}),
  };
}

/**
 * The changelog in the shape of release-controller's `ChangeLog` JSON (the parts we compute):
 * `updatedImages[].commits` are `CommitInfo`s (`subject`, `commitID`, `commitURL`, `commitDate`,
 * `pullID`, `pullURL`, `issues`) once fetched; `commitsMessage` (ours) says why they are missing or cut.
 */
function changelogJson(c: ReleaseChangelog): unknown {
  return {
    from: { name: c.from },
    to: { name: c.to },
    newImages: c.newImages.map((name) => ({ name })),
    removedImages: c.removedImages.map((name) => ({ name })),
    rebuiltImages: c.rebuiltImages.map((name) => ({ name })),
    updatedImages: c.changed.map((s) => ({
      name: s.images.join(", "),
      path: s.sourceLocation ?? "",
      shortCommit: s.toCommit.slice(0, 7),
      commit: s.toCommit,
      fullChangeLog: s.compareUrl ?? "",
      ...commitsJson(s),
    })),
  };
}

const PHASE_MAPS: Readonly<Record<string, string | undefined>> = {
  accepted: "Accepted",
  rejected: "Rejected",
  ready: "Ready",
  all: undefined,
};

/**
 * `GET /api/v1/releasestreams/{accepted|rejected|ready|all}`: `{"<stream>": ["<release>", ...]}`, each
 * list newest first, filtered by phase (`all`: every release). 404 for another word.
 */
export function streamsByPhaseResponse(models: readonly StreamModel[], which: string): ApiResponse {
  if (!Object.hasOwn(PHASE_MAPS, which))
    return apiError(404, `no list ${JSON.stringify(which)}: use accepted, rejected, ready or all`);
  const phase = PHASE_MAPS[which];
  const out: Record<string, string[]> = {};
  for (const m of models)
    out[m.name] = m.releases.filter((r) => phase === undefined || r.phase === phase).map((r) => r.name);
  return jsonResponse(200, out);
}
