/**
 * Runs one simulated build: resolves the base and input images, builds the component's own layer
 * from its profile and pushes base layers + that layer to the output repository and tag.
 * Same request and same base/input digests give the same image digest.
 */
import { appendLayer } from "../../oci-image/append-layer.js";
import { buildSyntheticImage } from "../../oci-image/build-synthetic-image.js";
import { buildLayerBlob } from "../../oci-image/layer-blob.js";
import { parseManifest } from "../../registry/manifest-schemas.js";
import { imageContentOf, mergeLabels, type BuildSourceInputs, type ImageContent } from "./image-content.js";
import { ImageResolveError, type ImageSources, type ResolvedImage } from "./image-sources.js";
import type { ResolvedComponentProfile } from "./simulation-profile.js";

/** An image a build names: a pullspec, or a tag of an ImageStream (resolved through its status). */
export type BuildImageRef =
  | { readonly kind: "DockerImage"; readonly pullspec: string }
  | {
      readonly kind: "ImageStreamTag";
      readonly namespace: string;
      readonly stream: string;
      readonly tag: string;
    };

/** One build to run, normalized from a Build or a BuildRun. */
export interface BuildRequest extends BuildSourceInputs {
  /** Namespace of the Build/BuildRun. */
  readonly namespace: string;
  /** Base image; none builds from scratch. */
  readonly from?: BuildImageRef | undefined;
  /** `source.images` inputs: each must exist. */
  readonly inputs: readonly BuildImageRef[];
  /** Where the image goes: `host/repo` and a tag. */
  readonly output: { readonly repository: string; readonly tag: string };
  /**
   * The CPU architecture of the node the build runs on, from its `kubernetes.io/arch` node selector:
   * the base is pulled for it and the image's config says it. Unset: the cluster's (amd64).
   */
  readonly architecture?: string | undefined;
}

/** The node label that selects a CPU architecture. */
export const ARCH_NODE_LABEL = "kubernetes.io/arch";

/** A failed build, as OpenShift reports it: a reason constant, a message and the log's tail. */
export class BuildFailure extends Error {
  constructor(
    readonly reason: string,
    message: string,
    readonly logSnippet: string,
  ) {
    super(message);
    this.name = "BuildFailure";
  }
}

/** The image pushed. */
export interface ProducedImage {
  readonly digest: string;
  /** `host/repo@digest` */
  readonly pullspec: string;
  /** Compressed size of all layers plus config, in bytes. */
  readonly size: number;
}

/** What {@link produceImage} needs besides the request. */
export interface ProduceImageDeps {
  readonly sources: ImageSources;
  /** The newest `dockerImageReference` of an ImageStream status tag, or undefined when none landed. */
  readonly imageStreamTagPullspec: (
    namespace: string,
    stream: string,
    tag: string,
  ) => Promise<string | undefined>;
}

/** Text of an image reference for messages. */
export function describeImageRef(ref: BuildImageRef): string {
  return ref.kind === "DockerImage"
    ? ref.pullspec
    : `ImageStreamTag ${ref.namespace}/${ref.stream}:${ref.tag}`;
}

async function resolveRef(
  deps: ProduceImageDeps,
  ref: BuildImageRef,
  architecture?: string,
): Promise<ResolvedImage> {
  if (ref.kind === "DockerImage") return deps.sources.resolve(ref.pullspec, architecture);
  const pullspec = await deps.imageStreamTagPullspec(ref.namespace, ref.stream, ref.tag);
  if (pullspec === undefined)
    throw new ImageResolveError(
      describeImageRef(ref),
      `ImageStreamTag ${ref.namespace}/${ref.stream}:${ref.tag} has no image (the tag has not landed in the ImageStream status)`,
    );
  return deps.sources.resolve(pullspec, architecture);
}

function failureOf(e: unknown, reason: string, prefix: string): BuildFailure {
  const message = `${prefix}: ${e instanceof Error ? e.message : String(e)}`;
  return new BuildFailure(reason, message, `error: ${message}`);
}

/** The base image (if any) and the digests of the inputs of a request. */
export interface ResolvedBuildImages {
  readonly base: ResolvedImage | undefined;
  readonly inputDigests: readonly string[];
}

/**
 * Resolves the base and every input; throws {@link BuildFailure} (`PullBuilderImageFailed`,
 * `FetchImageContentFailed`) naming the image that is missing.
 */
export async function resolveBuildImages(
  deps: ProduceImageDeps,
  request: BuildRequest,
): Promise<ResolvedBuildImages> {
  let base: ResolvedImage | undefined;
  if (request.from !== undefined) {
    try {
      base = await resolveRef(deps, request.from, request.architecture);
    } catch (e) {
      throw failureOf(
        e,
        "PullBuilderImageFailed",
        `Failed pulling builder image ${describeImageRef(request.from)}`,
      );
    }
  }
  const inputDigests: string[] = [];
  for (const input of request.inputs) {
    try {
      inputDigests.push((await resolveRef(deps, input)).digest);
    } catch (e) {
      throw failureOf(
        e,
        "FetchImageContentFailed",
        `Failed to extract image content from input image ${describeImageRef(input)}`,
      );
    }
  }
  return { base, inputDigests };
}

/**
 * Resolves the base and inputs of `request` ({@link resolveBuildImages}) and the content of the
 * component's own layer, which depends on their digests. Both ways of building start here.
 */
export async function resolveBuildContent(
  deps: ProduceImageDeps,
  request: BuildRequest,
  profile: ResolvedComponentProfile,
): Promise<{ readonly base: ResolvedImage | undefined; readonly content: ImageContent }> {
  const { base, inputDigests } = await resolveBuildImages(deps, request);
  return {
    base,
    content: imageContentOf({ ...request, baseDigest: base?.imageDigest, inputDigests }, profile),
  };
}

/** Builds and pushes the image of `request`; throws {@link BuildFailure} with OpenShift's reasons. */
export async function produceImage(
  deps: ProduceImageDeps,
  request: BuildRequest,
  profile: ResolvedComponentProfile,
): Promise<ProducedImage> {
  const { base, content } = await resolveBuildContent(deps, request, profile);
  const destination = deps.sources.open(request.output.repository);
  try {
    if (base === undefined) {
      const image = await buildSyntheticImage({
        destination,
        tag: request.output.tag,
        format: "docker",
        ...(request.architecture === undefined
          ? {}
          : { platform: { os: "linux", architecture: request.architecture } }),
        files: content.files,
        labels: mergeLabels({}, content.labels),
        created: content.created,
        createdBy: `simulated build of ${request.component}`,
      });
      return {
        digest: image.digest,
        pullspec: `${request.output.repository}@${image.digest}`,
        size: sizeOf(image.manifest),
      };
    }
    const appended = await appendLayer({
      source: base.store,
      baseDigest: base.imageDigest,
      destination,
      layer: await buildLayerBlob(content.files),
      configEdit: {
        created: content.created,
        labels: { mode: "replace", values: mergeLabels(base.labels, content.labels) },
        history: {
          mode: "append",
          entries: [{ created: content.created, created_by: `simulated build of ${request.component}` }],
        },
      },
    });
    await destination.putManifest(request.output.tag, appended.manifest.bytes, appended.manifest.mediaType);
    return {
      digest: appended.manifest.digest,
      pullspec: `${request.output.repository}@${appended.manifest.digest}`,
      size: sizeOf(appended.manifest),
    };
  } catch (e) {
    throw failureOf(
      e,
      "PushImageToRegistryFailed",
      `Failed to push image to ${request.output.repository}:${request.output.tag}`,
    );
  }
}

/** Total of the layer and config sizes an image manifest lists (0 for an index). */
export function sizeOf(manifest: { readonly bytes: Uint8Array; readonly mediaType: string }): number {
  const parsed = parseManifest(manifest.bytes, manifest.mediaType);
  if (parsed.kind !== "image") return 0;
  return parsed.manifest.layers.reduce((sum, layer) => sum + layer.size, parsed.manifest.config.size);
}
