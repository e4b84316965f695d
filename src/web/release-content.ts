/**
 * The content of a release image the release page shows: its components (image-references tags)
 * with digests and the source labels `oc adm release new` copied onto them. Read from the registry
 * by `readReleaseInfo`, once per release digest: a digest names immutable content, so an entry never
 * goes stale (release-controller caches its `oc adm release info` results the same way).
 */
import { readReleaseInfo } from "../release-image/read-release-info.js";
import { ImageStores, type RegistryOptions } from "../registry/image-store.js";

/** One component of a release. */
export interface ReleaseComponent {
  /** The image-references tag (component name). */
  readonly name: string;
  readonly pullspec: string;
  /** `sha256:...` of the pullspec, when pinned by digest. */
  readonly digest: string | undefined;
  /** `io.openshift.build.commit.id`. */
  readonly commitId: string | undefined;
  /** `io.openshift.build.commit.ref`. */
  readonly commitRef: string | undefined;
  /** `io.openshift.build.source-location`. */
  readonly sourceLocation: string | undefined;
  /** `io.openshift.build.commit.url`, when the image carries it. */
  readonly commitUrl: string | undefined;
}

/** What the release page needs from a release image. */
export interface ReleaseContent {
  readonly name: string;
  readonly digest: string;
  /** release-metadata `previous`: the releases it declares it upgrades from. */
  readonly previous: readonly string[];
  readonly components: readonly ReleaseComponent[];
}

/** Reads a release's content; `pushSecret` (in `namespace`) gives credentials for its registry. */
export type ReleaseContentReader = (
  image: string,
  access: { readonly namespace: string; readonly pushSecret?: string | undefined },
) => Promise<ReleaseContent>;

function label(annotations: Readonly<Record<string, string>>, key: string): string | undefined {
  const value = annotations[key];
  return value === undefined || value === "" ? undefined : value;
}

/** Options of {@link cachedReleaseContentReader}. */
export interface ReleaseContentReaderOptions {
  /** The operator's registry options (insecure registries, CA bundle). */
  readonly registryOptions: RegistryOptions;
  /** The `.dockerconfigjson` of a push Secret (read once per release, when the stream names one). */
  readonly dockerConfigOf?: (namespace: string, secret: string) => Promise<string>;
  /** Most entries kept (least recently used go first). Default 256. */
  readonly maxEntries?: number;
}

/**
 * A reader that remembers each release image's content by its pullspec (which holds its digest);
 * concurrent reads of one release share one registry read, and a failed read is not remembered.
 */
export function cachedReleaseContentReader(options: ReleaseContentReaderOptions): ReleaseContentReader {
  const cache = new Map<string, Promise<ReleaseContent>>();
  const max = options.maxEntries ?? 256;
  const read = async (image: string, namespace: string, pushSecret?: string): Promise<ReleaseContent> => {
    const dockerConfigJson =
      pushSecret === undefined || options.dockerConfigOf === undefined
        ? undefined
        : await options.dockerConfigOf(namespace, pushSecret);
    const stores = new ImageStores({
      ...options.registryOptions,
      ...(dockerConfigJson === undefined ? {} : { dockerConfigJson }),
    });
    const info = await readReleaseInfo(image, { openStore: (ref) => stores.open(ref) });
    return {
      name: info.name,
      digest: info.digest,
      previous: info.metadata.previous ?? [],
      components: info.images.map((i) => {
        const at = i.pullspec.indexOf("@");
        return {
          name: i.tag,
          pullspec: i.pullspec,
          digest: at < 0 ? undefined : i.pullspec.slice(at + 1),
          commitId: label(i.annotations, "io.openshift.build.commit.id"),
          commitRef: label(i.annotations, "io.openshift.build.commit.ref"),
          sourceLocation: label(i.annotations, "io.openshift.build.source-location"),
          commitUrl: label(i.annotations, "io.openshift.build.commit.url"),
        };
      }),
    };
  };
  return (image, access) => {
    const hit = cache.get(image);
    if (hit !== undefined) {
      cache.delete(image);
      cache.set(image, hit);
      return hit;
    }
    const pending = read(image, access.namespace, access.pushSecret);
    cache.set(image, pending);
    pending.catch(() => cache.delete(image));
    while (cache.size > max) {
      const oldest = cache.keys().next().value;
      if (oldest === undefined) break;
      cache.delete(oldest);
    }
    return pending;
  };
}
