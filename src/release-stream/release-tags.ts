/**
 * The target ImageStream's spec tags: one per release, carrying release-controller's annotations
 * (`release.openshift.io/name`, `/source`, `/creationTimestamp`, `/phase`, `/hash`, `/reason`,
 * `/message`), the PayloadBuild of a payloadBuild source's release (`payload.okd.io/payload-build`,
 * so a release adopted from its tag still follows its PayloadBuild) and, once pushed, the release image by digest. Tags and annotations others added
 * (e.g. `release.openshift.io/keep`) are kept. Pure.
 */
import type { StreamRelease } from "../api/index.js";
import type { ImageStream, SpecTag } from "../builds/image-stream-schema.js";
import { ReleaseAnnotation } from "./release-stream-objects.js";

const OWN_ANNOTATIONS = [ReleaseAnnotation.reason, ReleaseAnnotation.message];

function tagOf(
  existing: SpecTag | undefined,
  release: StreamRelease,
  prefix: string,
  source: string,
): SpecTag {
  const annotations: Record<string, string> = { ...(existing?.annotations ?? {}) };
  for (const key of OWN_ANNOTATIONS) delete annotations[key];
  Object.assign(annotations, {
    [ReleaseAnnotation.name]: prefix,
    [ReleaseAnnotation.source]: source,
    [ReleaseAnnotation.creationTimestamp]: release.createdAt ?? "",
    [ReleaseAnnotation.phase]: release.phase,
    ...(release.inputHash === undefined ? {} : { [ReleaseAnnotation.hash]: release.inputHash }),
    ...(release.payloadBuild === undefined ? {} : { [ReleaseAnnotation.payloadBuild]: release.payloadBuild }),
    ...(release.reason === undefined ? {} : { [ReleaseAnnotation.reason]: release.reason }),
    ...(release.message === undefined ? {} : { [ReleaseAnnotation.message]: release.message }),
  });
  return {
    ...existing,
    name: release.name,
    annotations,
    ...(release.image === undefined ? {} : { from: { kind: "DockerImage", name: release.image } }),
    importPolicy: { ...(existing?.importPolicy ?? {}), importMode: "PreserveOriginal" },
    referencePolicy: { type: "Source" },
  };
}

/** The target stream's complete new spec tags. */
export function targetSpecTags(
  target: ImageStream | undefined,
  releases: readonly StreamRelease[],
  removed: ReadonlySet<string>,
  prefix: string,
  source: string,
): SpecTag[] {
  const wanted = new Map(releases.map((r) => [r.name, r] as const));
  const out: SpecTag[] = [];
  const seen = new Set<string>();
  for (const tag of target?.spec?.tags ?? []) {
    if (removed.has(tag.name)) continue;
    const release = wanted.get(tag.name);
    out.push(release === undefined ? tag : tagOf(tag, release, prefix, source));
    seen.add(tag.name);
  }
  for (const r of [...releases].reverse())
    if (!seen.has(r.name)) out.push(tagOf(undefined, r, prefix, source));
  return out;
}
