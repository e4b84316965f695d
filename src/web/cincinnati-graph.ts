/**
 * `/graph`: the Cincinnati graph of every release and the upgrade edges between them, filtered by
 * channel as release-controller filters it. Pure.
 */
import { apiError, type ApiResponse } from "./release-api.js";
import { tagPullSpec, upgradeEdges, type StreamModel, type UpgradeEdge } from "./release-streams-model.js";

/** Content type of `/graph` (Cincinnati). */
export const CINCINNATI_TYPE = "application/vnd.redhat.cincinnati.graph+json; version=1.0";

const SUCCESS_ONLY = /^(stable|stable-scos|next|next-scos)$/;
const SUCCESS_MINOR = /^(stable|stable-scos|next|next-scos)-(\d+\.\d+)$/;
const ALL_MINOR = /^(prerelease|nightly)-(\d+\.\d+)$/;

/**
 * `GET /graph[?channel=]`: the Cincinnati graph of every release with a digest and the upgrade edges
 * between them. Channels as release-controller filters them: none/`stable`/`next` (and `-scos`):
 * edges with a success; `stable-X.Y` etc.: those into `X.Y.*`; `prerelease`/`nightly`: every edge;
 * `prerelease-X.Y`/`nightly-X.Y`: every edge into `X.Y.*`. Anything else is a 400.
 */
export function graphResponse(models: readonly StreamModel[], query: URLSearchParams): ApiResponse {
  const channel = query.get("channel") ?? "";
  let keep: (e: UpgradeEdge) => boolean;
  if (channel === "" || SUCCESS_ONLY.test(channel)) keep = (e) => e.result === "success";
  else if (channel === "prerelease" || channel === "nightly") keep = () => true;
  else {
    const success = SUCCESS_MINOR.exec(channel);
    const all = ALL_MINOR.exec(channel);
    const minor = success?.[2] ?? all?.[2];
    if (minor === undefined)
      return apiError(
        400,
        `channel: ${JSON.stringify(channel)} is not stable, next, prerelease, nightly or one of them with -X.Y`,
      );
    keep = (e) => e.to.startsWith(`${minor}.`) && (all !== null || e.result === "success");
  }
  const nodes: { version: string; payload: string; metadata: Record<string, string> }[] = [];
  const index = new Map<string, number>();
  for (const stream of models) {
    for (const r of stream.releases) {
      if (index.has(r.name) || (r.image === undefined && stream.repository === undefined)) continue;
      index.set(r.name, nodes.length);
      nodes.push({
        version: r.name,
        payload: r.image ?? tagPullSpec(stream, r),
        metadata: { "io.openshift.release.phase": r.phase },
      });
    }
  }
  const edges: [number, number][] = [];
  const seen = new Set<string>();
  for (const e of upgradeEdges(models)) {
    const from = index.get(e.from);
    const to = index.get(e.to);
    if (from === undefined || to === undefined || !keep(e) || seen.has(`${from}>${to}`)) continue;
    seen.add(`${from}>${to}`);
    edges.push([from, to]);
  }
  return {
    status: 200,
    contentType: CINCINNATI_TYPE,
    body: `${JSON.stringify({ nodes, edges }, null, 2)}\n`,
  };
}
