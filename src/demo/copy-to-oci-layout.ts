/**
 * Copies an image into an OCI layout so that every OCI tool reads it. skopeo, umoci and podman
 * only look at OCI media types in an OCI layout's `index.json`, so a Docker schema 2 manifest is
 * rewritten with the OCI media types (as `skopeo copy ... oci:` does): the blobs are the same,
 * the manifest, and so its digest, are new. OCI manifests and indexes are copied byte for byte.
 */
import { blobMediaTypeIn } from "../oci-image/image-format.js";
import {
  DOCKER_MANIFEST,
  OCI_MANIFEST,
  copyImage,
  parseManifest,
  type DescriptorDocument,
  type ImageStore,
} from "../registry/index.js";

/** What {@link copyToOciLayout} wrote. */
export interface OciLayoutCopy {
  /** Digest of the manifest in the layout. */
  readonly digest: string;
  /** True when the manifest was rewritten from Docker schema 2 to OCI (new digest). */
  readonly converted: boolean;
}

function ociDescriptor(descriptor: DescriptorDocument): Record<string, unknown> {
  const mediaType = blobMediaTypeIn("oci", descriptor.mediaType);
  return {
    mediaType,
    digest: descriptor.digest,
    size: descriptor.size,
    ...(descriptor.annotations === undefined ? {} : { annotations: descriptor.annotations }),
  };
}

/** Copies `from`'s `digest` to the OCI layout store `to` as `tag` (see the module documentation). */
export async function copyToOciLayout(
  from: ImageStore,
  digest: string,
  to: ImageStore,
  tag: string,
): Promise<OciLayoutCopy> {
  const fetched = await from.getManifest(digest);
  if (fetched.mediaType !== DOCKER_MANIFEST) {
    const copied = await copyImage(from, digest, to, tag);
    return { digest: copied.digest, converted: false };
  }
  const parsed = parseManifest(fetched.bytes, fetched.mediaType, `manifest ${digest}`);
  if (parsed.kind !== "image") throw new Error(`manifest ${digest}: expected an image manifest`);
  const { manifest } = parsed;
  for (const blob of [manifest.config, ...manifest.layers]) {
    await to.transferBlobFrom(from, { mediaType: blob.mediaType, digest: blob.digest, size: blob.size });
  }
  const oci = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: ociDescriptor(manifest.config),
    layers: manifest.layers.map(ociDescriptor),
    ...(manifest.annotations === undefined ? {} : { annotations: manifest.annotations }),
  };
  const written = await to.putManifest(tag, new TextEncoder().encode(JSON.stringify(oci)), OCI_MANIFEST);
  return { digest: written, converted: true };
}
