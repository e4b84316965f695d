/**
 * The component key of an OpenShift-built component, recorded on its ImageStream spec tag. An
 * OpenShift Build pushes to its ImageStreamTag itself (the registry adds a status item, no spec
 * tag), so the operator writes the tag's record once the build has succeeded and the tag has
 * landed: `from: ImageStreamImage <stream>@<digest>` (the image the build pushed, resolved by the
 * API server in the write: no import) annotated with `payload.okd.io/component-key`. Reused,
 * prebuilt and Shipwright-built components carry the annotation on the tag their backend writes.
 * Pure; decide merges these tags into the reconcile's one ImageStream write.
 */
import type { BuildBackend, DesiredSpecTag } from "../builds/build-backend.js";
import type { ImageStream, SpecTag } from "../builds/image-stream-schema.js";
import { digestOf, imageRecordTag, recordsImage } from "../builds/image-stream-tags.js";
import { COMPONENT_KEY_ANNOTATION } from "./build-records.js";
import type { ComponentEvaluation } from "./evaluate-components.js";
import { REUSED_FROM_ANNOTATION } from "./keyed-plan.js";
import type { ResolvedComponent } from "./resolve-component.js";

/** What {@link keyRecordTags} reads. */
export interface KeyRecordInput {
  /** `spec.imageStream`: the stream the builds push to. */
  readonly streamName: string;
  /** The stream as observed (undefined: it does not exist yet, nothing has landed in it). */
  readonly imageStream: ImageStream | undefined;
  /** This reconcile's component evaluations. */
  readonly evaluations: readonly ComponentEvaluation[];
  /** The backend building a component. */
  readonly backendFor: (component: ResolvedComponent) => BuildBackend;
}

/** True when spec tag `tag` already names image `digest` (by record or by pullspec) with a key annotation. */
function keyRecordedFor(tag: SpecTag | undefined, stream: string, digest: string): boolean {
  if (tag?.annotations?.[COMPONENT_KEY_ANNOTATION] === undefined) return false;
  if (recordsImage(tag, stream, digest)) return true;
  return tag.from?.kind === "DockerImage" && digestOf(tag.from.name ?? "") === digest;
}

/**
 * The spec tags still to write to record the key of each OpenShift-built component: one per
 * component whose evaluation is `landed` (its Build succeeded and its tag passed the landed test
 * with the digest the Build produced), that has a key (`spec.rebuild` set) and whose tag does not
 * name that image with a key annotation yet. So a key is recorded only after a successful build,
 * never for a failed, running or waiting one, and never overwritten: a tag already recording the
 * same image under another key keeps it. A stale `payload.okd.io/reused-from` (the tag's earlier
 * image was reused) is removed. Per-architecture units (their index is the component's image) and
 * prebuilt or reused components (their backend's tag carries the annotation) are left out.
 */
export function keyRecordTags(input: KeyRecordInput): DesiredSpecTag[] {
  const specTags = new Map((input.imageStream?.spec?.tags ?? []).map((t) => [t.name, t] as const));
  return input.evaluations.flatMap((e) => {
    const { component } = e;
    const annotations = component.tagAnnotations;
    if (annotations?.[COMPONENT_KEY_ANNOTATION] === undefined) return [];
    if (e.verdict !== "landed" || e.image === undefined) return [];
    if (component.prebuilt || component.builds !== undefined) return [];
    if (input.backendFor(component).name !== "openshift") return [];
    const digest = digestOf(e.image);
    if (digest === undefined) return [];
    if (keyRecordedFor(specTags.get(component.name), input.streamName, digest)) return [];
    return [imageRecordTag(input.streamName, component.name, digest, annotations, [REUSED_FROM_ANNOTATION])];
  });
}
