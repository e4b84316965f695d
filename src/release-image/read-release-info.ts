/**
 * `readReleaseInfo`: what `oc adm release info` shows about a release image, read from a registry or
 * an OCI layout: name, digest, created, metadata, component versions, every image with its pullspec,
 * the manifests, and any CVO load-rule problems.
 */
import {
  parseImageReference,
  tagOrDigestOf,
  repositoryOf,
  formatImageReference,
} from "../registry/image-reference.js";
import type { ImageStore, Platform } from "../registry/image-store.js";
import { BUILD_VERSIONS_LABEL, parseBuildVersions } from "./build-versions.js";
import { parseImageStream, type ImageStream } from "./image-stream.js";
import { RELEASE_MANIFESTS_DIR } from "./plan-release-payload.js";
import { parseReleaseMetadata, type ReleaseMetadata } from "./release-documents.js";
import { ReleaseAssemblyError } from "./release-assembly-error.js";
import { readTopLayerDirectory, resolveImage } from "./resolve-image.js";
import { verifyReleasePayload } from "./verify-release-payload.js";

/** A release image as `release-info` shows it. */
export interface ReleaseInfo {
  /** The reference read. */
  readonly reference: string;
  /** Digest of the manifest the reference names (the index digest for multi-arch releases). */
  readonly digest: string;
  readonly mediaType: string;
  /** The release name: release-metadata's version. */
  readonly name: string;
  /** image-references creationTimestamp (RFC 3339). */
  readonly created: string;
  /**
   * Digest of the single-platform release image read: the index's child for `platform` (linux/amd64
   * unless asked otherwise, as oc reads it), or `digest` for a single-arch release.
   */
  readonly imageDigest: string;
  /** OS and architecture of the release image read (from its config). */
  readonly platform: Platform;
  /** Platforms of a multi-arch release, in index order: one release image each. */
  readonly platforms: readonly {
    readonly os: string;
    readonly architecture: string;
    readonly variant?: string;
    readonly digest: string;
  }[];
  /** Labels of the release image read (linux/amd64 of a multi-arch release unless asked otherwise). */
  readonly labels: Readonly<Record<string, string>>;
  readonly metadata: ReleaseMetadata;
  /** Component versions declared by the payload's images (`io.openshift.build.versions`), key -> version. */
  readonly componentVersions: Readonly<Record<string, string>>;
  /** Every payload image, sorted by tag. */
  readonly images: readonly {
    readonly tag: string;
    readonly pullspec: string;
    readonly annotations: Readonly<Record<string, string>>;
  }[];
  /** Manifest file names in `release-manifests/`. */
  readonly manifests: readonly string[];
  /** CVO load-rule problems found (empty when the payload loads). */
  readonly problems: readonly string[];
  readonly imageReferences: ImageStream;
}

/** What to read of a release. */
export interface ReleaseInfoOptions {
  /**
   * Read the release image of this platform (oc's `--filter-by-os`): a multi-arch release without
   * it, or a single-arch release of another platform, is an error naming the platforms it has.
   * Unset: linux/amd64 of a multi-arch release (else its first image), or the single image.
   */
  readonly platform?: Platform;
}

const platformName = (p: {
  readonly os?: string | undefined;
  readonly architecture?: string | undefined;
  readonly variant?: string | undefined;
}) => `${p.os ?? ""}/${p.architecture ?? ""}${p.variant ? `/${p.variant}` : ""}`;

/** Parses `os/architecture[/variant]` (as `--filter-by-os` takes it). */
export function parsePlatform(text: string): Platform {
  const [os, architecture, variant, ...rest] = text.split("/");
  if (os === undefined || os === "" || architecture === undefined || architecture === "" || rest.length > 0) {
    throw new ReleaseAssemblyError(
      `platform ${JSON.stringify(text)} is not os/architecture[/variant], e.g. linux/arm64`,
    );
  }
  return { os, architecture, ...(variant === undefined || variant === "" ? {} : { variant }) };
}

/** Reads a release. `reference` is `docker://...`, a bare pullspec, or `oci:DIR[:tag]`. */
export async function readReleaseInfo(
  reference: string,
  deps: { readonly openStore: (reference: string) => ImageStore },
  options: ReleaseInfoOptions = {},
): Promise<ReleaseInfo> {
  const ref = parseImageReference(reference);
  const store = deps.openStore(formatImageReference(repositoryOf(ref)));
  const wanted = options.platform;
  const image = await resolveImage(store, tagOrDigestOf(ref) ?? "latest", `release ${reference}`, wanted);
  if (wanted !== undefined) {
    const read = { os: image.config.os, architecture: image.config.architecture };
    if (read.os !== wanted.os || read.architecture !== wanted.architecture) {
      const has =
        image.index === undefined
          ? `it is a single-arch release of ${platformName(read)}`
          : `its platforms: ${image.index.manifests.map((d) => platformName(d.platform ?? {})).join(", ")}`;
      throw new ReleaseAssemblyError(`${reference} has no release image for ${platformName(wanted)}; ${has}`);
    }
  }
  let files = await readTopLayerDirectory(
    store,
    image,
    RELEASE_MANIFESTS_DIR,
    `release ${reference}`,
    64 * 1024 * 1024,
  );
  if (files.length === 0) {
    throw new ReleaseAssemblyError(
      `${reference} is not a release image: its top layer has no ${RELEASE_MANIFESTS_DIR}/ directory`,
    );
  }
  files = files.filter((f) => f.type === "file");
  const byName = new Map(files.map((f) => [f.path.slice(RELEASE_MANIFESTS_DIR.length + 1), f.content]));
  const text = (name: string): string => {
    const content = byName.get(name);
    if (content === undefined)
      throw new ReleaseAssemblyError(`${reference}: ${RELEASE_MANIFESTS_DIR}/${name} is missing`);
    return content.toString("utf8");
  };
  const metadata = parseReleaseMetadata(text("release-metadata"));
  const imageReferences = parseImageStream(text("image-references"), `${reference}: image-references`);
  const images = (imageReferences.spec?.tags ?? [])
    .filter((tag) => tag.from?.kind === "DockerImage")
    .map((tag) => ({ tag: tag.name, pullspec: tag.from?.name ?? "", annotations: tag.annotations ?? {} }))
    .sort((a, b) => (a.tag < b.tag ? -1 : 1));
  const componentVersions: Record<string, string> = {};
  for (const image of images) {
    try {
      for (const [key, value] of parseBuildVersions(
        image.annotations[BUILD_VERSIONS_LABEL],
        undefined,
        image.tag,
        { allowAnyKey: true },
      )) {
        componentVersions[key] ??= value.version;
      }
    } catch {
      // release-info shows what it can; a malformed annotation is not fatal here.
    }
  }
  return {
    reference,
    digest: image.digest,
    imageDigest: image.imageDigest,
    platform: {
      os: image.config.os,
      architecture: image.config.architecture,
      ...(image.config.variant === undefined ? {} : { variant: image.config.variant }),
    },
    mediaType: image.mediaType,
    name: metadata.version,
    created: imageReferences.metadata?.creationTimestamp ?? "",
    platforms: (image.index?.manifests ?? []).map((d) => ({
      os: d.platform?.os ?? "",
      architecture: d.platform?.architecture ?? "",
      ...(d.platform?.variant === undefined ? {} : { variant: d.platform.variant }),
      digest: d.digest,
    })),
    labels: image.labels,
    metadata,
    componentVersions,
    images,
    manifests: [...byName.keys()].filter((n) => n !== "image-references" && n !== "release-metadata").sort(),
    problems: verifyReleasePayload(byName),
    imageReferences,
  };
}
