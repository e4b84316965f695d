/**
 * The observe step of release assembly: pin every component by digest and read what the plan needs
 * from its image (config labels; for operators, the direct children of `manifests/` in the top layer),
 * at most `concurrency` images at once. One store per repository, shared by its components.
 */
import pLimit from "p-limit";
import {
  formatImageReference,
  formatPullspec,
  parseDockerReference,
  parseImageReference,
  repositoryOf,
  tagOrDigestOf,
  type ImageReference,
} from "../registry/image-reference.js";
import { isRegistryError, type ImageStore } from "../registry/image-store.js";
import { RegistryError } from "../registry/registry-error.js";
import { ReleaseAssemblyError } from "./release-assembly-error.js";
import type { ReleaseComponentInput } from "./component-sources.js";
import { OPERATOR_LABEL, type InspectedComponent } from "./plan-release-payload.js";
import { readTopLayerDirectory, resolveImage, type ResolvedImage } from "./resolve-image.js";

/** Components pinned by digest, what was read from each (by tag), and the store of a pullspec's repository. */
export interface InspectedComponents {
  readonly components: ReleaseComponentInput[];
  readonly inspected: Map<string, InspectedComponent>;
  /** Each component's image as read (manifest, config), by tag: the base is not read twice. */
  readonly images: Map<string, ResolvedImage>;
  readonly storeFor: (pullspec: string) => ImageStore;
}

/** Images read at once by default: enough to hide registry round trips, few enough for one connection pool. */
export const DEFAULT_INSPECT_CONCURRENCY = 32;

/** A store opener that opens each repository (or OCI layout directory) once. */
export function repositoryStores(
  openStore: (reference: string) => ImageStore,
): (pullspec: string) => ImageStore {
  const stores = new Map<string, ImageStore>();
  return (pullspec) => {
    const key = formatImageReference(repositoryOf(componentReference(pullspec)));
    let store = stores.get(key);
    if (store === undefined) {
      store = openStore(key);
      stores.set(key, store);
    }
    return store;
  };
}

/** A component's pullspec parsed: a registry pullspec (`docker://` optional) or an `oci:DIR[:tag]` layout. */
export function componentReference(pullspec: string): ImageReference {
  return pullspec.startsWith("oci:") ? parseImageReference(pullspec) : parseDockerReference(pullspec);
}

/** Why release assembly reads a component image, for the error when it cannot. */
function whyNeeded(tag: string, baseTag: string | undefined): string {
  return tag === baseTag
    ? "it is the base (Cluster Version Operator) image the release is built on"
    : "every component image is read for its labels (operator, source commit, component versions) and, for operators, the manifests/ of its top layer";
}

/**
 * Reads every component (an index is followed to linux/amd64). Tag-only registry pullspecs come back
 * pinned to the digest read; `oci:` layout references are kept as given. The first image that cannot
 * be read stops the rest and fails, naming the component, its pullspec, why it is needed, and the
 * registry's error (a registry that never answered is not retried: see RegistryClient).
 */
export async function inspectComponents(
  components: readonly ReleaseComponentInput[],
  openStore: (reference: string) => ImageStore,
  concurrency = DEFAULT_INSPECT_CONCURRENCY,
  baseTag?: string,
): Promise<InspectedComponents> {
  const storeFor = repositoryStores(openStore);
  const limit = pLimit(concurrency);
  const inspected = new Map<string, InspectedComponent>();
  const images = new Map<string, ResolvedImage>();
  const inspectOne = async (component: ReleaseComponentInput): Promise<ReleaseComponentInput> => {
    const ref = componentReference(component.pullspec);
    const store = storeFor(component.pullspec);
    const what = `image "${component.tag}" (${component.pullspec})`;
    const image = await resolveImage(store, tagOrDigestOf(ref) ?? "latest", what);
    const isOperator = (image.labels[OPERATOR_LABEL] ?? "") !== "";
    const files = isOperator ? await readTopLayerDirectory(store, image, "manifests", what) : undefined;
    const manifests = files?.map((f) => ({
      name: f.path.slice("manifests/".length),
      type: f.type,
      content: f.content,
      mtime: f.mtime,
    }));
    images.set(component.tag, image);
    inspected.set(component.tag, {
      labels: image.labels,
      ...(manifests === undefined ? {} : { manifests }),
    });
    if (ref.transport === "oci" || ref.digest !== undefined) return component;
    return {
      ...component,
      pullspec: formatPullspec({
        transport: "docker",
        registry: ref.registry,
        repository: ref.repository,
        digest: image.digest,
      }),
    };
  };
  const pinned = await Promise.all(
    components.map((component) =>
      limit(async () => {
        try {
          return await inspectOne(component);
        } catch (error) {
          limit.clearQueue();
          const message = `cannot read image "${component.tag}" (${component.pullspec}): ${whyNeeded(component.tag, baseTag)}: ${(error as Error).message}`;
          if (isRegistryError(error))
            throw new RegistryError(error.code, message, {
              ...(error.status === undefined ? {} : { status: error.status }),
              cause: error,
            });
          throw new ReleaseAssemblyError(message, { cause: error });
        }
      }),
    ),
  );
  return { components: pinned, inspected, images, storeFor };
}
