/**
 * Writes ImageStream status the way the integrated registry does after a push (it creates an
 * ImageStreamMapping: openshift-apiserver `imagestreammapping/rest.go` adds the tag event
 * `{created, dockerImageReference: <repository>@<digest>, image, generation: <stream generation>}`,
 * and the registry creates the stream when missing) and the way the import controller does after an
 * import. Every write is a read-modify-`/status` PUT with the read resourceVersion, retried on
 * conflict, so concurrent builds pushing to one stream never lose each other's tags.
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

/** See the module documentation. */
export class ImageStreamWriter {
  constructor(
    private readonly client: KubeClient,
    private readonly registryHost: string,
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

  /** The pullspec ImageStreamTag `name:tag` resolves to ({@link resolveLatestTaggedImage}), if any. */
  async tagPullspec(namespace: string, name: string, tag: string): Promise<string | undefined> {
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
    for (let attempt = 0; ; attempt += 1) {
      let stream = await this.find(namespace, name);
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
        await this.client.replaceStatus(IMAGE_STREAMS, { ...stream, status });
        return;
      } catch (e) {
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
