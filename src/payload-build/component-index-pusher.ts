/**
 * The act side of multi-arch components: combines a component's per-architecture images into one
 * image index (each entry keeps its image's manifest and says `linux/<arch>`) and pushes it by
 * digest to the repository the images are in (the component's ImageStream repository), with the
 * operator's own token for the integrated registry (which authorizes the push by `update` on
 * `imagestreams/layers`), as release assembly reads it. The same images always give the same
 * index digest, so a push repeated after a lost status write changes nothing.
 */
import type { Logger } from "pino";
import { createImageIndex, descriptorOf } from "../oci-image/create-manifest.js";
import { parseImageReference } from "../registry/image-reference.js";
import { ImageStores, type RegistryOptions } from "../registry/image-store.js";
import { parseManifest } from "../registry/manifest-schemas.js";
import type { IndexToCombine } from "./architecture-units.js";
import { tokenCredentials, type IntegratedRegistryAccess } from "./integrated-registry.js";

/** Pushes the index of `combine` for a PayloadBuild in `namespace`; resolves to `repository@digest`. */
export type ComponentIndexPusher = (
  combine: IndexToCombine,
  namespace: string,
) => Promise<{ readonly pullspec: string; readonly digest: string }>;

/** What {@link createComponentIndexPusher} needs. */
export interface ComponentIndexPusherOptions {
  readonly registryOptions: RegistryOptions;
  /** The operator's token for the integrated registry; without it, the registry is used anonymously. */
  readonly integratedRegistry?: IntegratedRegistryAccess;
  readonly log: Logger;
}

const DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";

/** See the module documentation. */
export function createComponentIndexPusher(options: ComponentIndexPusherOptions): ComponentIndexPusher {
  return async (combine, namespace) => {
    const repositories = new Set(
      combine.images.map((image) => {
        const ref = parseImageReference(image.pullspec);
        if (ref.transport !== "docker" || ref.digest === undefined) {
          throw new Error(
            `component ${combine.component}: its ${image.architecture} image ${image.pullspec} is not pinned by digest in a registry`,
          );
        }
        return `${ref.registry}/${ref.repository}`;
      }),
    );
    const [repository, ...others] = [...repositories];
    if (repository === undefined || others.length > 0) {
      throw new Error(
        `component ${combine.component}: its per-architecture images are in ${[...repositories].join(", ") || "no repository"}; an image index is pushed beside its images, so they must share one repository`,
      );
    }
    const integratedHosts = new Set(options.integratedRegistry?.hosts(namespace) ?? []);
    const token = integratedHosts.size === 0 ? undefined : await options.integratedRegistry?.token();
    const stores = new ImageStores({
      ...options.registryOptions,
      ...(token === undefined ? {} : { dockerConfigJson: tokenCredentials(integratedHosts, token) }),
    });
    const store = stores.open(`docker://${repository}`);
    const children = await Promise.all(
      combine.images.map(async (image) => {
        const digest = image.pullspec.slice(image.pullspec.indexOf("@") + 1);
        const fetched = await store.getManifest(digest);
        const what = `the ${image.architecture} image of component ${combine.component} (${image.pullspec})`;
        const parsed = parseManifest(fetched.bytes, fetched.mediaType, what);
        if (parsed.kind !== "image") throw new Error(`${what} is an image index, not an image`);
        return descriptorOf(
          fetched.mediaType,
          { digest: fetched.digest, size: fetched.bytes.length },
          { os: "linux", architecture: image.architecture },
        );
      }),
    );
    const format = children.every((c) => c.mediaType === DOCKER_MANIFEST) ? "docker" : "oci";
    const index = createImageIndex(format, children);
    await store.putManifest(index.digest, index.bytes, index.mediaType);
    options.log.debug(
      { component: combine.component, index: index.digest },
      "pushed the component's image index",
    );
    return { pullspec: `${repository}@${index.digest}`, digest: index.digest };
  };
}
