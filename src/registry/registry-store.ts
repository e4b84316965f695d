/** The `docker://` transport: an {@link ImageStore} over one repository of an OCI distribution registry. */
import { Readable } from "node:stream";
import { z } from "zod";
import { pipeline } from "node:stream/promises";
import { createDigestVerifier, digestAlgorithm, digestLike, sha256Digest, verifyBytes } from "./digest.js";
import { isDigest } from "./image-reference.js";
import type { DockerImageReference } from "./image-reference.js";
import type { BlobTransfer, Descriptor, FetchedManifest, ImageStore } from "./image-store.js";
import { MANIFEST_MEDIA_TYPES } from "./media-types.js";
import { declaredMediaType } from "./manifest-schemas.js";
import type { RegistryClient, RegistryRequest } from "./registry-client.js";
import { RegistryError, isRegistryError } from "./registry-error.js";
import { readAllBounded, uploadBlob } from "./blob-upload.js";

const tagListSchema = z.looseObject({ tags: z.array(z.string()).nullish() });

/** A repository in a registry. */
export class RegistryStore implements ImageStore {
  readonly reference: DockerImageReference;

  /** `client` must be connected to `reference.registry`. */
  constructor(
    reference: DockerImageReference,
    private readonly client: RegistryClient,
    private readonly settings: { readonly chunkSize: number; readonly tagPageSize: number },
  ) {
    this.reference = { transport: "docker", registry: reference.registry, repository: reference.repository };
  }

  private get name(): string {
    return `${this.reference.registry}/${this.reference.repository}`;
  }

  /** Sends a request scoped to this repository. */
  send(request: Omit<RegistryRequest, "scopes" | "repository"> & { push?: boolean; scopes?: string[] }) {
    const own = `repository:${this.reference.repository}:${request.push === true ? "pull,push" : "pull"}`;
    return this.client.send({
      ...request,
      scopes: [own, ...(request.scopes ?? [])],
      repository: this.reference.repository,
    });
  }

  /** Checks that the registry answers the `/v2/` API (200, or 401 asking for credentials). */
  async ping(): Promise<void> {
    await this.send({ method: "GET", url: "/v2/", what: `ping ${this.reference.registry}`, ok: [200] });
  }

  async getManifest(tagOrDigest: string): Promise<FetchedManifest> {
    const what = `get manifest ${this.name}${isDigest(tagOrDigest) ? "@" : ":"}${tagOrDigest}`;
    const response = await this.send({
      method: "GET",
      url: `/v2/${this.reference.repository}/manifests/${tagOrDigest}`,
      headers: { accept: MANIFEST_MEDIA_TYPES.join(", ") },
      what,
      ok: [200],
    });
    const bytes = await readAllBounded(response.body, 8 * 1024 * 1024, what);
    const headerDigest = response.headers.get("docker-content-digest");
    const expected = isDigest(tagOrDigest)
      ? tagOrDigest
      : headerDigest !== null && isDigest(headerDigest)
        ? headerDigest
        : undefined;
    if (expected !== undefined) verifyBytes(bytes, expected, what);
    const contentType = (response.headers.get("content-type") ?? "").split(";")[0]?.trim() ?? "";
    const mediaType = MANIFEST_MEDIA_TYPES.includes(contentType)
      ? contentType
      : (declaredMediaType(bytes) ?? contentType);
    return { mediaType, digest: expected ?? sha256Digest(bytes), bytes };
  }

  async putManifest(tagOrDigest: string, bytes: Uint8Array, mediaType: string): Promise<string> {
    const what = `put manifest ${this.name}${isDigest(tagOrDigest) ? "@" : ":"}${tagOrDigest}`;
    const digest = isDigest(tagOrDigest) ? digestLike(tagOrDigest, bytes) : sha256Digest(bytes);
    if (isDigest(tagOrDigest)) verifyBytes(bytes, tagOrDigest, what);
    const response = await this.send({
      method: "PUT",
      url: `/v2/${this.reference.repository}/manifests/${tagOrDigest}`,
      headers: { "content-type": mediaType },
      body: bytes,
      what,
      ok: [200, 201, 202],
      push: true,
    });
    await response.body?.cancel();
    const reported = response.headers.get("docker-content-digest");
    if (
      reported !== null &&
      isDigest(reported) &&
      digestAlgorithm(reported) === digestAlgorithm(digest) &&
      reported !== digest
    ) {
      throw new RegistryError(
        "DIGEST_MISMATCH",
        `${what}: the registry stored ${reported}, expected ${digest}`,
      );
    }
    return digest;
  }

  /**
   * Deletes the manifest `digest` (`DELETE /v2/<repository>/manifests/<digest>`), which untags every
   * tag naming it; blobs stay for the registry's garbage collection. "absent" when the registry does
   * not have it (404). A refusal is a {@link RegistryError} carrying the status: 405 UNSUPPORTED when
   * the registry has deletes disabled, 401/403 when the credentials may not delete.
   */
  async deleteManifest(digest: string): Promise<"deleted" | "absent"> {
    digestAlgorithm(digest);
    const response = await this.send({
      method: "DELETE",
      url: `/v2/${this.reference.repository}/manifests/${digest}`,
      what: `delete manifest ${this.name}@${digest}`,
      ok: [200, 202, 404],
      push: true,
      // Docker's token service grants manifest deletes to the `delete` action.
      scopes: [`repository:${this.reference.repository}:delete`],
    });
    await response.body?.cancel();
    return response.status === 404 ? "absent" : "deleted";
  }

  async hasBlob(digest: string): Promise<boolean> {
    digestAlgorithm(digest);
    const response = await this.send({
      method: "HEAD",
      url: `/v2/${this.reference.repository}/blobs/${digest}`,
      what: `check blob ${this.name}@${digest}`,
      ok: [200, 404],
    });
    await response.body?.cancel();
    return response.status === 200;
  }

  async openBlob(digest: string): Promise<Readable> {
    const what = `get blob ${this.name}@${digest}`;
    digestAlgorithm(digest);
    const response = await this.send({
      method: "GET",
      url: `/v2/${this.reference.repository}/blobs/${digest}`,
      what,
      ok: [200],
    });
    if (response.body === null) throw new RegistryError("PROTOCOL", `${what}: empty response`);
    const verifier = createDigestVerifier(digest, what);
    pipeline(Readable.fromWeb(response.body), verifier).catch(() => {
      // the verifier carries the error to the consumer
    });
    return verifier;
  }

  async readBlob(digest: string, maxBytes = 16 * 1024 * 1024): Promise<Uint8Array> {
    const what = `get blob ${this.name}@${digest}`;
    digestAlgorithm(digest);
    const response = await this.send({
      method: "GET",
      url: `/v2/${this.reference.repository}/blobs/${digest}`,
      what,
      ok: [200],
    });
    const bytes = await readAllBounded(response.body, maxBytes, what);
    verifyBytes(bytes, digest, what);
    return bytes;
  }

  async putBlob(descriptor: { digest: string; size: number }, body: Readable | Uint8Array): Promise<void> {
    if (await this.hasBlob(descriptor.digest)) {
      if (!(body instanceof Uint8Array)) body.destroy();
      return;
    }
    await this.upload(descriptor, body, undefined);
  }

  async transferBlobFrom(from: ImageStore, descriptor: Descriptor): Promise<BlobTransfer> {
    if (await this.hasBlob(descriptor.digest)) return "exists";
    const source = from.reference;
    const sameRegistry = source.transport === "docker" && source.registry === this.reference.registry;
    if (sameRegistry && source.repository !== this.reference.repository) {
      const query = `mount=${encodeURIComponent(descriptor.digest)}&from=${encodeURIComponent(source.repository)}`;
      const response = await this.send({
        method: "POST",
        url: `/v2/${this.reference.repository}/blobs/uploads/?${query}`,
        what: `mount blob ${descriptor.digest} from ${source.repository} into ${this.name}`,
        ok: [201, 202],
        push: true,
        scopes: [`repository:${source.repository}:pull`],
      });
      await response.body?.cancel();
      if (response.status === 201) return "mounted";
      const location = response.headers.get("location");
      if (location !== null) {
        const session = new URL(location, response.url).toString();
        await this.copyFrom(from, descriptor, session);
        return "copied";
      }
    }
    await this.copyFrom(from, descriptor, undefined);
    return "copied";
  }

  /**
   * Streams a blob from `from` into this repository. A transient failure (connection, 5xx, 429) mid-stream
   * cannot be retried request by request, so the whole transfer is retried from a freshly opened source.
   */
  private async copyFrom(
    from: ImageStore,
    descriptor: Descriptor,
    session: string | undefined,
  ): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.upload(
          descriptor,
          await from.openBlob(descriptor.digest),
          attempt === 1 ? session : undefined,
        );
        return;
      } catch (error) {
        if (attempt >= 3 || !isRegistryError(error, "CONNECTION", "UNAVAILABLE", "TOOMANYREQUESTS"))
          throw error;
      }
    }
  }

  async listTags(): Promise<string[]> {
    const tags: string[] = [];
    let url: string | undefined = `/v2/${this.reference.repository}/tags/list?n=${this.settings.tagPageSize}`;
    for (let page = 0; url !== undefined && page < 10_000; page++) {
      const response = await this.send({
        method: "GET",
        url,
        what: `list tags of ${this.name}`,
        ok: [200, 404],
      });
      if (response.status === 404) {
        await response.body?.cancel();
        return [];
      }
      const parsed = tagListSchema.safeParse(await response.json().catch(() => undefined));
      if (!parsed.success)
        throw new RegistryError("PROTOCOL", `list tags of ${this.name}: malformed tag list`);
      tags.push(...(parsed.data.tags ?? []));
      url = nextLink(response.headers.get("link"), response.url);
    }
    return [...new Set(tags)].sort();
  }

  private upload(
    descriptor: { digest: string; size: number },
    body: Readable | Uint8Array,
    location: string | undefined,
  ) {
    return uploadBlob({
      store: this,
      repository: this.reference.repository,
      what: `upload blob ${descriptor.digest} to ${this.name}`,
      descriptor,
      body,
      location,
      chunkSize: this.settings.chunkSize,
    });
  }
}

/** The `rel="next"` target of a `Link` header, resolved against the request URL. */
export function nextLink(header: string | null, base: string): string | undefined {
  if (header === null) return undefined;
  for (const part of header.split(",")) {
    const match = /<([^>]*)>\s*;\s*rel="?next"?/.exec(part);
    if (match?.[1] !== undefined) return new URL(match[1], base).toString();
  }
  return undefined;
}
