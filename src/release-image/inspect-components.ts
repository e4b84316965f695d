/**
 * The observe step of release assembly: pin every component by digest and read what the plan needs
 * from its image (config labels; for operators, the direct children of `manifests/` in the top layer),
 * at most `concurrency` images at once. One store per repository, shared by its components.
 */
import pLimit from "p-limit";
import { formatPullspec, parseDockerReference } from "../registry/image-reference.js";
import type { ImageStore } from "../registry/image-store.js";
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

/** A store opener that opens each repository once. */
export function repositoryStores(
  openStore: (reference: string) => ImageStore,
): (pullspec: string) => ImageStore {
  const stores = new Map<string, ImageStore>();
  return (pullspec) => {
    const ref = parseDockerReference(pullspec);
    const key = `${ref.registry}/${ref.repository}`;
    let store = stores.get(key);
    if (store === undefined) {
      store = openStore(`docker://${key}`);
      stores.set(key, store);
    }
    return store;
  };
}

/**
 * Reads every component (an index is followed to linux/amd64). Tag-only pullspecs come back pinned to
 * the digest read. Registry errors propagate, named by the store.
 */
export async function inspectComponents(
  components: readonly ReleaseComponentInput[],
  openStore: (reference: string) => ImageStore,
  concurrency = DEFAULT_INSPECT_CONCURRENCY,
): Promise<InspectedComponents> {
  const storeFor = repositoryStores(openStore);
  const limit = pLimit(concurrency);
  const inspected = new Map<string, InspectedComponent>();
  const images = new Map<string, ResolvedImage>();
  const pinned = await Promise.all(
    components.map((component) =>
      limit(async (): Promise<ReleaseComponentInput> => {
        const ref = parseDockerReference(component.pullspec);
        const store = storeFor(component.pullspec);
        const what = `image "${component.tag}" (${component.pullspec})`;
        const image = await resolveImage(store, ref.digest ?? ref.tag ?? "latest", what);
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
        if (ref.digest !== undefined) return component;
        return {
          ...component,
          pullspec: formatPullspec({
            transport: "docker",
            registry: ref.registry,
            repository: ref.repository,
            digest: image.digest,
          }),
        };
      }),
    ),
  );
  return { components: pinned, inspected, images, storeFor };
}
