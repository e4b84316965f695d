/**
 * The release side of the UI, read from ReleaseStream objects: each stream with its releases (newest
 * first), the lookups the routes need, and the upgrade edges the releases declare. Pure.
 */
import { ReleaseStreamSpecSchema, ReleaseStreamStatusSchema, type StreamRelease } from "../api/index.js";
import type { KubeObject } from "../kube/kube-object.js";
import { compareReleaseNamesNewestFirst } from "./semver-range.js";

/** One ReleaseStream as the pages see it. */
export interface StreamModel {
  readonly namespace: string;
  /** `metadata.name`: the stream's name in URLs. */
  readonly name: string;
  /** `spec.name`: the release name prefix (e.g. `4.17.0-0.okd-scos`). */
  readonly prefix: string;
  /** `spec.to` without the transport: where releases are pushed (`docker://` dropped). */
  readonly repository: string | undefined;
  readonly pushSecret: string | undefined;
  /** Releases, newest first (semver precedence, as release-controller sorts tags). */
  readonly releases: readonly StreamRelease[];
  readonly latestAccepted: string | undefined;
  /** URL path of the stream's page (with `?namespace=` when another namespace has a stream of that name). */
  readonly path: string;
}

/** A tested or declared upgrade: `from` -> `to`, with the verdict of `to`'s verification. */
export interface UpgradeEdge {
  readonly from: string;
  readonly to: string;
  /** `success` when `to` was Accepted, `failure` when Rejected, else `pending`. */
  readonly result: "success" | "failure" | "pending";
}

/** Builds the model of every parsable stream, sorted by namespace and name. */
export function streamModels(objects: readonly KubeObject[]): StreamModel[] {
  const counts = new Map<string, number>();
  for (const o of objects) counts.set(o.metadata.name, (counts.get(o.metadata.name) ?? 0) + 1);
  const models: StreamModel[] = [];
  for (const o of objects) {
    const spec = ReleaseStreamSpecSchema.safeParse(o["spec"]);
    const status = ReleaseStreamStatusSchema.safeParse(o["status"] ?? {});
    const releases = [...(status.success ? (status.data.releases ?? []) : [])].sort((a, b) =>
      compareReleaseNamesNewestFirst(a.name, b.name),
    );
    const namespace = o.metadata.namespace ?? "";
    const name = o.metadata.name;
    const to = spec.success ? spec.data.to : undefined;
    models.push({
      namespace,
      name,
      prefix: spec.success ? spec.data.name : name,
      repository: to?.startsWith("docker://") === true ? to.slice("docker://".length) : to,
      pushSecret: spec.success ? spec.data.pushSecret?.name : undefined,
      releases,
      latestAccepted: releases.find((r) => r.phase === "Accepted")?.name,
      path:
        `/releasestream/${encodeURIComponent(name)}` +
        ((counts.get(name) ?? 0) > 1 ? `?namespace=${encodeURIComponent(namespace)}` : ""),
    });
  }
  return models.sort((a, b) =>
    a.namespace === b.namespace ? (a.name < b.name ? -1 : 1) : a.namespace < b.namespace ? -1 : 1,
  );
}

/** The outcome of looking a stream up by name. */
export type StreamLookup =
  | { readonly kind: "found"; readonly stream: StreamModel }
  | { readonly kind: "missing"; readonly message: string }
  | { readonly kind: "ambiguous"; readonly message: string };

/**
 * The stream named `name` (its `metadata.name`, or else its `spec.name` prefix, as release-controller
 * names streams), in `namespace` when given.
 */
export function findStream(models: readonly StreamModel[], name: string, namespace?: string): StreamLookup {
  const inScope = models.filter((m) => namespace === undefined || m.namespace === namespace);
  let matches = inScope.filter((m) => m.name === name);
  if (matches.length === 0) matches = inScope.filter((m) => m.prefix === name);
  const [first] = matches;
  if (first === undefined)
    return {
      kind: "missing",
      message: `release stream ${JSON.stringify(name)} not found${namespace === undefined ? "" : ` in namespace ${namespace}`}`,
    };
  if (matches.length > 1)
    return {
      kind: "ambiguous",
      message: `release stream ${JSON.stringify(name)} exists in namespaces ${matches.map((m) => m.namespace).join(", ")}: add ?namespace=`,
    };
  return { kind: "found", stream: first };
}

/** The release's phase as a job-style result of its upgrade edges. */
function edgeResult(release: StreamRelease): UpgradeEdge["result"] {
  return release.phase === "Accepted" ? "success" : release.phase === "Rejected" ? "failure" : "pending";
}

/**
 * Upgrade edges of all streams: each release upgrades from the accepted releases it was cut with
 * (`previous`, its release-metadata), and its verification (run with `RELEASE_IMAGE_INITIAL` the
 * previous accepted release) decides the edge's result.
 */
export function upgradeEdges(models: readonly StreamModel[]): UpgradeEdge[] {
  return models.flatMap((m) =>
    m.releases.flatMap((r) =>
      (r.previous ?? []).map((from) => ({ from, to: r.name, result: edgeResult(r) })),
    ),
  );
}

/**
 * The changelog base of `release` in `stream`: the newest older Accepted release, else the newest older
 * release of any phase (release-controller's rule without publish tags or Stable streams).
 */
export function previousReleaseOf(stream: StreamModel, release: string): StreamRelease | undefined {
  const index = stream.releases.findIndex((r) => r.name === release);
  if (index < 0) return undefined;
  const older = stream.releases.slice(index + 1);
  return older.find((r) => r.phase === "Accepted") ?? older[0];
}

/** The pullspec of a release by tag, as release-controller gives it: `<repository>:<name>`. */
export function tagPullSpec(stream: StreamModel, release: StreamRelease): string {
  if (stream.repository === undefined || stream.repository.startsWith("oci:")) return release.image ?? "";
  return `${stream.repository}:${release.name}`;
}
