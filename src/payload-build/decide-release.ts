/**
 * Whether to assemble a PayloadBuild's release now, and with what. Pure. A release pushed before
 * is kept while it still describes the landed images (same generation, same images, same
 * name), so a restarted operator does not push it again; release assembly is deterministic, so
 * reassembling after a restart between push and status write gives the same digest anyway.
 */
import type { ComponentStatus, PayloadBuild, PayloadBuildStatus } from "../api/index.js";
import type { ReleaseProgress } from "./payload-build-status.js";

/** The inputs of one release assembly (see `assembleRelease`). */
export interface ReleaseAssembly {
  /** Release name (semver). */
  readonly name: string;
  /** `docker://...` or `oci:...`. */
  readonly to: string;
  /** The component whose image is the base (the CVO). */
  readonly baseTag: string;
  /** Components put into the release, pinned by digest. */
  readonly images: readonly { readonly tag: string; readonly pullspec: string }[];
  /** Tags kept even when no operator references them: every component in `images`. */
  readonly include: readonly string[];
  readonly previous?: readonly string[];
  readonly metadata?: Readonly<Record<string, string>>;
  /** Amend this release instead of starting from the images alone. */
  readonly fromRelease?: string;
  /** Secret (same namespace) of type kubernetes.io/dockerconfigjson with push credentials. */
  readonly pushSecret?: string;
}

/** What {@link decideRelease} reads. */
export interface ReleaseDecisionInput {
  readonly payloadBuild: PayloadBuild;
  /** The component entries of the new status. */
  readonly components: readonly ComponentStatus[];
  readonly allLanded: boolean;
  readonly previous: PayloadBuildStatus | undefined;
  /** The payload key (`spec.rebuild` set and every key computed). */
  readonly payloadKey?: string | undefined;
}

/** The release's progress for the status, and the assembly to run (when one is due). */
export interface ReleaseDecision {
  readonly progress: ReleaseProgress;
  readonly assemble?: ReleaseAssembly;
  /**
   * While components are still building: the release's components that have landed, to read ahead
   * of the assembly (see `release-prefetcher.ts`). Absent when there is no release or none landed.
   */
  readonly prefetch?: ReleaseAssembly["images"];
}

/** The landed components a release of `release` includes (every one unless `include`), pinned by digest. */
function releaseImages(
  release: NonNullable<PayloadBuild["spec"]["release"]>,
  components: readonly ComponentStatus[],
): ReleaseAssembly["images"] {
  const wanted = new Set(release.include ?? components.map((c) => c.name));
  wanted.add(release.baseComponent);
  return components.flatMap((c) =>
    wanted.has(c.name) && c.image !== undefined ? [{ tag: c.name, pullspec: c.image }] : [],
  );
}

/** True when the stored release still matches: same generation, name and landed images. */
function previousReleaseCurrent(input: ReleaseDecisionInput): boolean {
  const { previous, payloadBuild } = input;
  const release = previous?.release;
  if (release?.digest === undefined || release.name !== payloadBuild.spec.release?.name) return false;
  if (previous?.observedGeneration !== payloadBuild.metadata.generation) return false;
  const before = new Map((previous?.components ?? []).map((c) => [c.name, c.image]));
  return input.components.every((c) => c.image !== undefined && before.get(c.name) === c.image);
}

/** See the module documentation. */
export function decideRelease(input: ReleaseDecisionInput): ReleaseDecision {
  const release = input.payloadBuild.spec.release;
  if (release === undefined) return { progress: { state: input.allLanded ? "none" : "waiting" } };
  if (!input.allLanded) {
    const landed = releaseImages(release, input.components);
    return { progress: { state: "waiting" }, ...(landed.length === 0 ? {} : { prefetch: landed }) };
  }
  // A scheduled night whose inputs equal the last release's: nothing was built, no release is cut.
  const built = input.components.filter((c) => c.rebuildReason !== undefined);
  if (
    release.unlessPayloadKey !== undefined &&
    input.payloadKey === release.unlessPayloadKey &&
    built.length === 0
  ) {
    return {
      progress: {
        state: "unchanged",
        message: `every component reused; the payload key ${release.unlessPayloadKey} equals spec.release.unlessPayloadKey, so release ${release.name} is not assembled`,
      },
    };
  }
  const previous = input.previous?.release;
  if (previous !== undefined && previousReleaseCurrent(input))
    return { progress: { state: "pushed", release: previous } };
  const images = releaseImages(release, input.components);
  return {
    progress: { state: "assembling" },
    assemble: {
      name: release.name,
      to: release.to,
      baseTag: release.baseComponent,
      images,
      include: images.map((i) => i.tag),
      ...(release.previous === undefined ? {} : { previous: release.previous }),
      ...(release.metadata === undefined ? {} : { metadata: release.metadata }),
      ...(release.fromRelease === undefined ? {} : { fromRelease: release.fromRelease }),
      ...(release.pushSecret === undefined ? {} : { pushSecret: release.pushSecret.name }),
    },
  };
}
