/**
 * Image references as skopeo spells them (`docker://host[:port]/repo[:tag][@digest]`, `oci:DIR[:tag]`)
 * and bare pullspecs (`host/repo:tag`, `repo@sha256:...`) with the docker reference grammar's defaults.
 */

/** A repository in a registry, optionally with a tag and/or a digest. */
export interface DockerImageReference {
  readonly transport: "docker";
  /** `host[:port]`, normalized (`docker.io` for Docker Hub). */
  readonly registry: string;
  /** Repository path, e.g. `okd/release` or `library/busybox`. */
  readonly repository: string;
  readonly tag?: string;
  /** `sha256:<hex>` */
  readonly digest?: string;
}

/** An OCI image layout directory, optionally with an image name (its `org.opencontainers.image.ref.name`). */
export interface OciLayoutReference {
  readonly transport: "oci";
  /** The directory path as given (relative paths are relative to the process's working directory). */
  readonly directory: string;
  readonly tag?: string;
}

/** A parsed image reference of either transport. */
export type ImageReference = DockerImageReference | OciLayoutReference;

/** Docker Hub's canonical registry name. */
export const DOCKER_HUB = "docker.io";

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;
const OCI_NAME = /^[A-Za-z0-9][A-Za-z0-9._:@+-]*$/;

/** True for a well-formed `sha256:`/`sha512:` digest. */
export function isDigest(value: string): boolean {
  return DIGEST.test(value);
}

/** True for a well-formed tag (`[\w][\w.-]{0,127}`). */
export function isTag(value: string): boolean {
  return TAG.test(value);
}

/**
 * Parses `docker://...`, `oci:DIR[:tag]`, or a bare pullspec (treated as `docker://`).
 * Throws an Error naming the reference and what is wrong with it.
 */
export function parseImageReference(input: string): ImageReference {
  if (input.startsWith("docker://")) return parseDockerReference(input.slice("docker://".length));
  if (input.startsWith("oci:")) return parseOciReference(input.slice("oci:".length), input);
  const other = /^(dir|docker-archive|oci-archive|containers-storage|docker-daemon|sif|tarball):/.exec(input);
  if (other)
    throw new Error(
      `image reference "${input}": transport "${other[1]}:" is not supported (use docker:// or oci:)`,
    );
  return parseDockerReference(input);
}

/**
 * Parses a docker reference (`[host[:port]/]repo[:tag][@digest]`) with Docker Hub defaults:
 * no host means `docker.io`, and a one-component Docker Hub repository gets `library/`.
 */
export function parseDockerReference(input: string): DockerImageReference {
  const fail = (why: string): never => {
    throw new Error(`image reference "${input}": ${why}`);
  };
  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!isDigest(digest)) fail(`"${digest}" is not a sha256:<64 hex> digest`);
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf("/");
  const lastColon = rest.lastIndexOf(":");
  if (lastColon > lastSlash) {
    tag = rest.slice(lastColon + 1);
    rest = rest.slice(0, lastColon);
    if (!isTag(tag)) fail(`"${tag}" is not a valid tag`);
  }
  if (rest === "") fail("the repository name is empty");
  let registry = DOCKER_HUB;
  let path = rest;
  const firstSlash = rest.indexOf("/");
  if (firstSlash >= 0) {
    const first = rest.slice(0, firstSlash);
    if (
      first.includes(".") ||
      first.includes(":") ||
      first === "localhost" ||
      first !== first.toLowerCase()
    ) {
      if (!DOMAIN.test(first)) fail(`"${first}" is not a valid registry host`);
      registry = first;
      path = rest.slice(firstSlash + 1);
    }
  }
  if (registry === "index.docker.io" || registry === "registry-1.docker.io") registry = DOCKER_HUB;
  for (const component of path.split("/")) {
    if (!PATH_COMPONENT.test(component)) {
      fail(`repository component "${component}" must be lowercase letters, digits and separators (. _ __ -)`);
    }
  }
  if (registry === DOCKER_HUB && !path.includes("/")) path = `library/${path}`;
  if (registry.length + 1 + path.length > 255) fail("the repository name is longer than 255 characters");
  return {
    transport: "docker",
    registry,
    repository: path,
    ...(tag === undefined ? {} : { tag }),
    ...(digest === undefined ? {} : { digest }),
  };
}

function parseOciReference(rest: string, input: string): OciLayoutReference {
  // containers/image splits at the first colon: the directory cannot contain one.
  const colon = rest.indexOf(":");
  const directory = colon >= 0 ? rest.slice(0, colon) : rest;
  const tag = colon >= 0 ? rest.slice(colon + 1) : undefined;
  if (directory === "") throw new Error(`image reference "${input}": the directory is empty`);
  if (tag !== undefined && !OCI_NAME.test(tag)) {
    throw new Error(`image reference "${input}": "${tag}" is not a valid image name for an OCI layout`);
  }
  return { transport: "oci", directory, ...(tag === undefined || tag === "" ? {} : { tag }) };
}

/** Formats a reference in skopeo's syntax (`docker://host/repo:tag@digest`, `oci:DIR:tag`). */
export function formatImageReference(ref: ImageReference): string {
  if (ref.transport === "oci") return `oci:${ref.directory}${ref.tag === undefined ? "" : `:${ref.tag}`}`;
  return `docker://${formatPullspec(ref)}`;
}

/** Formats a docker reference as a pullspec: `host/repo[:tag][@digest]`, Docker Hub spelled `docker.io/...`. */
export function formatPullspec(ref: DockerImageReference): string {
  return `${ref.registry}/${ref.repository}${ref.tag === undefined ? "" : `:${ref.tag}`}${ref.digest === undefined ? "" : `@${ref.digest}`}`;
}

/** The same reference with no tag and no digest: the repository (or layout directory) itself. */
export function repositoryOf(ref: ImageReference): ImageReference {
  if (ref.transport === "oci") return { transport: "oci", directory: ref.directory };
  return { transport: "docker", registry: ref.registry, repository: ref.repository };
}

/**
 * The tag or digest a reference names, for {@link ImageStore.getManifest}: the digest when both are given
 * (a digest is what a pullspec pins), else the tag, else `undefined`.
 */
export function tagOrDigestOf(ref: ImageReference): string | undefined {
  if (ref.transport === "docker" && ref.digest !== undefined) return ref.digest;
  return ref.tag;
}
