/**
 * Resolving the images builds start from and imports name: pullspecs in a reachable registry (the
 * integrated one, or any registry on 127.0.0.1/localhost) are read for real; anything else (no
 * internet here) is synthesized deterministically from the pullspec and mirrored into the
 * integrated registry as `<host>/openshift/external-<hash>:latest`.
 */
import { createHash } from "node:crypto";
import { buildSyntheticImage } from "../../oci-image/build-synthetic-image.js";
import { readImage } from "../../oci-image/append-layer.js";
import type { TarEntry } from "../../oci-image/deterministic-tar.js";
import {
  formatPullspec,
  parseDockerReference,
  type DockerImageReference,
} from "../../registry/image-reference.js";
import { ImageStores, type ImageStore, type RegistryOptions } from "../../registry/image-store.js";
import { parseManifest } from "../../registry/manifest-schemas.js";
import { createdTimeOf } from "./image-content.js";
import type { SimulationProfile } from "./simulation-profile.js";

/** An image found (or synthesized) and ready to build on or tag. */
export interface ResolvedImage {
  /** The repository holding it. */
  readonly store: ImageStore;
  /** Digest the reference names (an index digest for multi-platform images). */
  readonly digest: string;
  /** The linux/amd64 single-platform manifest digest (equal to `digest` for plain images). */
  readonly imageDigest: string;
  /** `host/repo@digest` where it can be pulled. */
  readonly pullspec: string;
  /** Config labels of the single-platform image. */
  readonly labels: Readonly<Record<string, string>>;
  /** True when the image was synthesized because its registry is not reachable. */
  readonly synthesized: boolean;
}

/** Why an image could not be resolved: names the pullspec and the cause. */
export class ImageResolveError extends Error {
  constructor(
    readonly pullspec: string,
    message: string,
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = "ImageResolveError";
  }
}

/** Options of {@link ImageSources}. */
export interface ImageSourcesOptions {
  /** `127.0.0.1:PORT` of the integrated registry. */
  readonly registryHost: string;
  /**
   * Connection options for every registry. The integrated host is always plain HTTP; other
   * 127.0.0.1/localhost registries are too unless `insecureRegistries` is given (then it decides).
   */
  readonly registryOptions?: RegistryOptions;
  /** Registries read for real; default: the integrated one and any `127.0.0.1`/`localhost` host. */
  readonly isReachable?: (registry: string) => boolean;
  readonly profile: SimulationProfile;
}

const LOOPBACK = /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/;

function defaultReachable(integrated: string): (registry: string) => boolean {
  return (registry) => registry === integrated || LOOPBACK.test(registry);
}

/**
 * Reads, synthesizes and mirrors images for the build system. Holds a cache of syntheses and, per
 * registry, one client (connection pool, scheme probe, token cache) shared by every repository it
 * opens: a build opens three or four repositories, and a client per open meant a new connection
 * pool and a TLS probe of a plain-HTTP registry for each (most of the simulated build's cost).
 */
export class ImageSources {
  readonly #o: ImageSourcesOptions;
  readonly #reachable: (registry: string) => boolean;
  readonly #registryOptions: RegistryOptions;
  readonly #synthesized = new Map<string, Promise<ResolvedImage>>();
  /** Registry options variant ("" or a plain-HTTP loopback registry) -> its store factory. */
  readonly #stores = new Map<string, ImageStores>();

  constructor(options: ImageSourcesOptions) {
    this.#o = options;
    this.#reachable = options.isReachable ?? defaultReachable(options.registryHost);
    const insecure = new Set([...(options.registryOptions?.insecureRegistries ?? []), options.registryHost]);
    this.#registryOptions = { ...options.registryOptions, insecureRegistries: [...insecure] };
  }

  /** The integrated registry's host. */
  get registryHost(): string {
    return this.#o.registryHost;
  }

  /** Opens a repository (`host/repo`) with the build system's registry options. */
  open(repository: string): ImageStore {
    const registry = repository.slice(0, repository.indexOf("/"));
    const insecure = this.#registryOptions.insecureRegistries ?? [];
    const plainLoopback =
      this.#o.registryOptions?.insecureRegistries === undefined &&
      LOOPBACK.test(registry) &&
      !insecure.includes(registry);
    const variant = plainLoopback ? registry : "";
    let stores = this.#stores.get(variant);
    if (stores === undefined) {
      stores = new ImageStores(
        plainLoopback
          ? { ...this.#registryOptions, insecureRegistries: [...insecure, registry] }
          : this.#registryOptions,
      );
      this.#stores.set(variant, stores);
    }
    return stores.open(`docker://${repository}`);
  }

  /**
   * Resolves a pullspec; throws {@link ImageResolveError} when it does not exist or cannot be read.
   * With `architecture` (a build on a node of that CPU), an index resolves to its linux/`architecture`
   * child and a single image must be of that architecture, as a node's container runtime pulls;
   * a synthesized image is made for it. Without, an index resolves to linux/amd64 (else its first).
   */
  async resolve(pullspec: string, architecture?: string): Promise<ResolvedImage> {
    let ref: DockerImageReference;
    try {
      ref = parseDockerReference(pullspec.replace(/^docker:\/\//, ""));
    } catch (e) {
      throw new ImageResolveError(pullspec, e instanceof Error ? e.message : String(e));
    }
    if (this.#reachable(ref.registry)) return this.#resolveReal(pullspec, ref, architecture);
    const key = formatPullspec(ref);
    const cacheKey = architecture === undefined ? key : `${key} ${architecture}`;
    let pending = this.#synthesized.get(cacheKey);
    if (pending === undefined) {
      pending = this.#synthesize(key, architecture);
      this.#synthesized.set(cacheKey, pending);
      pending.catch(() => this.#synthesized.delete(cacheKey));
    }
    return pending;
  }

  async #resolveReal(
    pullspec: string,
    ref: DockerImageReference,
    architecture: string | undefined,
  ): Promise<ResolvedImage> {
    const repository = `${ref.registry}/${ref.repository}`;
    const store = this.open(repository);
    const reference = ref.digest ?? ref.tag ?? "latest";
    try {
      const fetched = await store.getManifest(reference);
      const parsed = parseManifest(fetched.bytes, fetched.mediaType, `manifest of ${pullspec}`);
      let imageDigest = fetched.digest;
      if (parsed.kind === "index") {
        const manifests = parsed.index.manifests;
        const wanted = architecture ?? "amd64";
        const child =
          manifests.find((m) => m.platform?.os === "linux" && m.platform.architecture === wanted) ??
          (architecture === undefined ? manifests[0] : undefined);
        if (child === undefined)
          throw new Error(
            architecture === undefined
              ? "the image index lists no manifests"
              : `the image index has no linux/${architecture} image (it has ${platformsOf(manifests)})`,
          );
        imageDigest = child.digest;
      }
      const image = await readImage(store, imageDigest);
      const actual = image.config.architecture ?? "";
      if (architecture !== undefined && actual !== "" && actual !== architecture)
        throw new Error(`it is a linux/${actual} image, and the build runs on a ${architecture} node`);
      return {
        store,
        digest: fetched.digest,
        imageDigest,
        pullspec: `${repository}@${fetched.digest}`,
        labels: image.config.config?.Labels ?? {},
        synthesized: false,
      };
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      throw new ImageResolveError(pullspec, `image ${pullspec} could not be read: ${why}`, e);
    }
  }

  async #synthesize(pullspec: string, architecture: string | undefined): Promise<ResolvedImage> {
    const hash = createHash("sha256").update(pullspec).digest("hex");
    const repository = `${this.#o.registryHost}/openshift/external-${hash.slice(0, 16)}`;
    // External bases are multi-arch: one image per architecture asked for, each under its own tag.
    const tag = architecture === undefined || architecture === "amd64" ? "latest" : `latest-${architecture}`;
    const store = this.open(repository);
    const profile = this.#o.profile.externalImages?.[pullspec] ?? {};
    const size = profile.sizeBytes ?? 4096;
    const filler: Buffer[] = [];
    let block = createHash("sha256").update(`filler:${pullspec}`).digest();
    for (let n = 0; n < size; n += block.length) {
      filler.push(block);
      block = createHash("sha256").update(block).digest();
    }
    const created = createdTimeOf(`external:${pullspec}`);
    const mtime = new Date(created);
    const files: TarEntry[] = [
      { type: "file", path: "etc/os-release", content: `NAME="${pullspec}"\nID=synthetic\n`, mtime },
      { type: "file", path: "usr/lib/base.bin", content: Buffer.concat(filler).subarray(0, size), mtime },
      ...Object.entries(profile.files ?? {}).map(([path, content]): TarEntry => ({
        type: "file",
        path: path.replace(/^\/+/, ""),
        content,
        mtime,
      })),
    ];
    const labels = { "io.openshift.simulated.source": pullspec, ...(profile.labels ?? {}) };
    try {
      const image = await buildSyntheticImage({
        destination: store,
        tag,
        format: "docker",
        ...(architecture === undefined ? {} : { platform: { os: "linux", architecture } }),
        files,
        labels,
        created,
        createdBy: `synthesized for ${pullspec}`,
      });
      return {
        store,
        digest: image.digest,
        imageDigest: image.digest,
        pullspec: `${repository}@${image.digest}`,
        labels: image.config.config?.Labels ?? {},
        synthesized: true,
      };
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      throw new ImageResolveError(
        pullspec,
        `could not mirror synthesized image for ${pullspec} into ${repository}: ${why}`,
      );
    }
  }
}

function platformsOf(
  manifests: readonly {
    readonly platform?: { readonly os?: string; readonly architecture?: string } | undefined;
  }[],
): string {
  const names = manifests.map((m) => `${m.platform?.os ?? "?"}/${m.platform?.architecture ?? "?"}`);
  return names.length === 0 ? "none" : names.join(", ");
}
