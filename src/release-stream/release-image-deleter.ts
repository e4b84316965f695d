/**
 * Deletes a removed release's image from its registry (`spec.retention.deleteImages`): the manifest by
 * digest, `DELETE /v2/<repository>/manifests/<digest>`. Credentials as for the push: the stream's push
 * Secret, for `spec.to`'s registry only; nothing for any other registry.
 */
import type { KubeClient } from "../kube/kube-client.js";
import { readDockerConfigSecret } from "../payload-build/release-assembler.js";
import { parseImageReference } from "../registry/image-reference.js";
import { ImageStores, type RegistryOptions } from "../registry/image-store.js";

/** What to delete: `image` is `registry/repository@sha256:...`; `to` and `pushSecret` are the stream's. */
export interface ReleaseImageDeletion {
  readonly image: string;
  readonly to: string;
  readonly pushSecret?: string;
  readonly namespace: string;
}

/** Deletes one release image; "absent" when the registry no longer has it. Rejects with the registry's refusal. */
export type ReleaseImageDeleter = (deletion: ReleaseImageDeletion) => Promise<"deleted" | "absent">;

/** The registry host of a pullspec or `docker://` reference; undefined for anything else. */
function registryOf(reference: string): string | undefined {
  try {
    const parsed = parseImageReference(reference);
    return parsed.transport === "docker" ? parsed.registry : undefined;
  } catch {
    return undefined;
  }
}

/** See the module documentation. */
export function createReleaseImageDeleter(options: {
  readonly client: KubeClient;
  readonly registryOptions: RegistryOptions;
}): ReleaseImageDeleter {
  return async ({ image, to, pushSecret, namespace }) => {
    const at = image.lastIndexOf("@");
    if (at < 0)
      throw new Error(`release image ${image} has no digest; only an image pinned by digest is deleted`);
    const sameRegistry = registryOf(image) !== undefined && registryOf(image) === registryOf(to);
    const dockerConfigJson =
      pushSecret === undefined || !sameRegistry
        ? undefined
        : await readDockerConfigSecret(options.client, namespace, pushSecret);
    const stores = new ImageStores({
      ...options.registryOptions,
      ...(dockerConfigJson === undefined ? {} : { dockerConfigJson }),
    });
    return stores.deleteManifest(image.slice(0, at), image.slice(at + 1));
  };
}
