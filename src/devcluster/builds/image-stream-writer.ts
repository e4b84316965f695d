/**
 * Writes ImageStream status the way the integrated registry does after a push (it creates an
 * ImageStreamMapping: openshift-apiserver `imagestreammapping/rest.go` adds the tag event
 * `{created, dockerImageReference: <repository>@<digest>, image, generation: <stream generation>}`,
 * and the registry creates the stream when missing) and the way the import controller does after an
 * import. Every write is a read-modify-`/status` PUT with the read resourceVersion, retried on
 * conflict, so concurrent builds pushing to one stream never lose each other's tags.
 *
 * With a cache (the build system's ImageStream informer), reads are answered from it when it has
 * what is asked and fall back to a GET when it does not (the cache may lag a push by a moment), and
 * the writes to one stream are made one after another in this process, each starting from the
 * newest copy known (the answer to the previous write, or the cache), so a push costs one PUT
 * instead of a GET of the whole stream, a PUT and a conflict retry or two: the stream of a large
 * payload has a tag per component, and re-reading it per push was most of the build system's
 * cost at 1,000 components. A conflict (someone else wrote) still re-reads and retries.
 */
import type { KubeClient } from "../../kube/kube-client.js";
import { isAlreadyExists, isConflict, isNotFound } from "../../kube/kube-errors.js";
import { resolveLatestTaggedImage, statusWithTagEvent } from "./image-stream-status.js";
import {
  IMAGE_STREAMS,
  type ImageStreamObject as ImageStream,
  type ImageStreamStatus as Status,
} from "./upstream-objects.js";

/** RFC 3339, whole seconds, UTC. */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** The copy of an ImageStream the build system's informer holds, if any. */
export type CachedImageStream = (namespace: string, name: string) => ImageStream | undefined;

/** The newer of two copies of one object (by resourceVersion when both are numbers, else `a`). */
function newer(a: ImageStream | undefined, b: ImageStream | undefined): ImageStream | undefined {
  if (a === undefined || b === undefined) return a ?? b;
  const va = Number(a.metadata.resourceVersion);
  const vb = Number(b.metadata.resourceVersion);
  return Number.isFinite(va) && Number.isFinite(vb) && vb > va ? b : a;
}

/** See the module documentation. */
export class ImageStreamWriter {
  /** `namespace/name` -> the stream as the last write of this process answered it. */
  readonly #written = new Map<string, ImageStream>();
  /** `namespace/name` -> the end of the chain of writes queued for that stream. */
  readonly #queues = new Map<string, Promise<void>>();

  constructor(
    private readonly client: KubeClient,
    private readonly registryHost: string,
    private readonly cached: CachedImageStream = () => undefined,
  ) {}

  /** `<registryHost>/<namespace>/<name>`: the stream's repository in the integrated registry. */
  repositoryOf(namespace: string, name: string): string {
    return `${this.registryHost}/${namespace}/${name}`;
  }

  /** The stream, or undefined when it does not exist. */
  async find(namespace: string, name: string): Promise<ImageStream | undefined> {
    try {
      return await this.client.get(IMAGE_STREAMS, { namespace, name });
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  /**
   * The stream when the cache holds a copy for which `usable` is true, else as a GET finds it
   * (undefined when it does not exist).
   */
  async findUsable(
    namespace: string,
    name: string,
    usable: (stream: ImageStream) => boolean,
  ): Promise<ImageStream | undefined> {
    const cached = this.cached(namespace, name);
    return cached !== undefined && usable(cached) ? cached : this.find(namespace, name);
  }

  /** The pullspec ImageStreamTag `name:tag` resolves to ({@link resolveLatestTaggedImage}), if any. */
  async tagPullspec(namespace: string, name: string, tag: string): Promise<string | undefined> {
    const cached = this.cached(namespace, name);
    const fromCache = cached === undefined ? undefined : resolveLatestTaggedImage(cached, tag);
    if (fromCache !== undefined) return fromCache;
    const stream = await this.find(namespace, name);
    return stream === undefined ? undefined : resolveLatestTaggedImage(stream, tag);
  }

  /**
   * Applies `edit` to the stream's status and writes it; `edit` returning undefined writes nothing.
   * With `create`, a missing stream is created first. Retries conflicts a few times.
   */
  async updateStatus(
    namespace: string,
    name: string,
    edit: (stream: ImageStream) => Status | undefined,
    options: { readonly create: boolean },
  ): Promise<void> {
    const key = `${namespace}/${name}`;
    const previous = this.#queues.get(key) ?? Promise.resolve();
    const mine = previous.then(() => this.#updateStatus(key, namespace, name, edit, options));
    const tail = mine.catch(() => undefined);
    this.#queues.set(key, tail);
    void tail.then(() => {
      if (this.#queues.get(key) === tail) this.#queues.delete(key);
    });
    return mine;
  }

  async #updateStatus(
    key: string,
    namespace: string,
    name: string,
    edit: (stream: ImageStream) => Status | undefined,
    options: { readonly create: boolean },
  ): Promise<void> {
    for (let attempt = 0; ; attempt += 1) {
      // The first attempt starts from the newest copy known; a retry after a conflict reads afresh.
      const known = attempt === 0 ? newer(this.#written.get(key), this.cached(namespace, name)) : undefined;
      let stream = known ?? (await this.find(namespace, name));
      if (stream === undefined) {
        if (!options.create) return;
        try {
          stream = await this.client.create(IMAGE_STREAMS, {
            apiVersion: "image.openshift.io/v1",
            kind: "ImageStream",
            metadata: { name, namespace },
            spec: { lookupPolicy: { local: false } },
          });
        } catch (e) {
          if (isAlreadyExists(e) && attempt < 5) continue;
          throw e;
        }
      }
      const status = edit(stream);
      if (status === undefined) return;
      try {
        this.#written.set(key, await this.client.replaceStatus(IMAGE_STREAMS, { ...stream, status }));
        return;
      } catch (e) {
        this.#written.delete(key);
        if ((isConflict(e) || isNotFound(e)) && attempt < 8) continue;
        throw e;
      }
    }
  }

  /** Records a push of `digest` to `<repository>:<tag>` (the registry's side of a build or push). */
  async recordPush(
    namespace: string,
    name: string,
    tag: string,
    digest: string,
    nowMs: number,
  ): Promise<void> {
    const repository = this.repositoryOf(namespace, name);
    await this.updateStatus(
      namespace,
      name,
      (stream) =>
        statusWithTagEvent(stream, repository, tag, {
          created: rfc3339(nowMs),
          dockerImageReference: `${repository}@${digest}`,
          image: digest,
          generation: stream.metadata.generation ?? 1,
        }),
      { create: true },
    );
  }
}
