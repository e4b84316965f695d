/**
 * The release assembler the PayloadBuild controller uses: opens image stores with the operator's
 * registry options (`--insecure-registry`, `--registry-ca`) and runs `assembleRelease`. Credentials
 * by registry: the push Secret (type `kubernetes.io/dockerconfigjson`, when one is named) for the
 * destination's registry only; the operator's own bearer token for the integrated registry (see
 * `integrated-registry.ts`); nothing for any other registry. One connection pool per registry and
 * credentials per assembly (not per component). Component configs and operator manifest layers are
 * kept between assemblies in an in-memory content cache, so the next release of mostly the same
 * components reads only what changed (manifests are read every time).
 */
import type { Logger } from "pino";
import type { KubeClient } from "../kube/kube-client.js";
import { isNotFound } from "../kube/kube-errors.js";
import type { KubeObject } from "../kube/kube-object.js";
import { SECRETS } from "../kube/resource.js";
import { parseImageReference } from "../registry/image-reference.js";
import {
  ImageStores,
  RegistryError,
  isRegistryError,
  type RegistryOptions,
} from "../registry/image-store.js";
import { MemoryContentCache, type ContentCache } from "../registry/content-cache.js";
import { assembleRelease } from "../release-image/assemble-release.js";
import type { ReleaseAssembler } from "./act-payload-build.js";
import type { ReleaseAssembly } from "./decide-release.js";
import {
  missingLayersPermission,
  tokenCredentials,
  type IntegratedRegistryAccess,
} from "./integrated-registry.js";

/** What {@link createReleaseAssembler} needs. */
export interface ReleaseAssemblerOptions {
  readonly client: KubeClient;
  /** Operator-wide registry options (insecure registries, CA bundle); credentials come from the push Secret. */
  readonly registryOptions: RegistryOptions;
  /** Reads of the integrated registry with the operator's token; without it, sources are read anonymously. */
  readonly integratedRegistry?: IntegratedRegistryAccess;
  readonly log: Logger;
  /**
   * Configs and small layers kept between this assembler's assemblies; default a
   * {@link MemoryContentCache} of {@link ASSEMBLER_CACHE_BYTES}.
   */
  readonly contentCache?: ContentCache;
}

/** Bytes of component configs and operator layers an assembler keeps by default (within the 512Mi limit). */
export const ASSEMBLER_CACHE_BYTES = 32 * 1024 * 1024;

/** Key of the credentials in a `kubernetes.io/dockerconfigjson` Secret. */
export const DOCKER_CONFIG_JSON_KEY = ".dockerconfigjson";

/** Reads `data[".dockerconfigjson"]` of Secret `namespace/name`; the error names the Secret and what was expected. */
export async function readDockerConfigSecret(
  client: KubeClient,
  namespace: string,
  name: string,
): Promise<string> {
  let secret: KubeObject;
  try {
    secret = await client.get(SECRETS, { namespace, name });
  } catch (err: unknown) {
    if (!isNotFound(err)) throw err;
    throw new Error(
      `spec.release.pushSecret: Secret ${namespace}/${name} not found; create it (type kubernetes.io/dockerconfigjson, e.g. kubectl create secret docker-registry ${name} -n ${namespace} ...) or remove pushSecret`,
      { cause: err },
    );
  }
  const data: unknown = secret["data"];
  const encoded =
    typeof data === "object" && data !== null
      ? (data as Record<string, unknown>)[DOCKER_CONFIG_JSON_KEY]
      : undefined;
  if (typeof encoded !== "string" || encoded === "") {
    throw new Error(
      `spec.release.pushSecret: Secret ${namespace}/${name} has no data["${DOCKER_CONFIG_JSON_KEY}"]; it must be of type kubernetes.io/dockerconfigjson`,
    );
  }
  return Buffer.from(encoded, "base64").toString("utf8");
}

/** Stores for reading a namespace's component images, and the integrated-registry token they carry. */
export interface SourceStores {
  readonly sources: ImageStores;
  readonly integratedHosts: ReadonlySet<string>;
  readonly token: string | undefined;
}

/**
 * Opens stores for reading the component images of `namespace`: the operator's registry options, and
 * its own bearer token for the integrated registry's hosts only (none for any other registry).
 */
export async function openSourceStores(
  options: Pick<ReleaseAssemblerOptions, "registryOptions" | "integratedRegistry">,
  namespace: string,
): Promise<SourceStores> {
  const integratedHosts = new Set(options.integratedRegistry?.hosts(namespace) ?? []);
  const token = integratedHosts.size === 0 ? undefined : await options.integratedRegistry?.token();
  const sources = new ImageStores({
    ...options.registryOptions,
    ...(token === undefined ? {} : { dockerConfigJson: tokenCredentials(integratedHosts, token) }),
  });
  return { sources, integratedHosts, token };
}

/** See the module documentation. Same inputs give the same release digest (assembly is deterministic). */
export function createReleaseAssembler(options: ReleaseAssemblerOptions): ReleaseAssembler {
  const cache = options.contentCache ?? new MemoryContentCache(ASSEMBLER_CACHE_BYTES);
  return async (assembly: ReleaseAssembly, namespace: string) => {
    const dockerConfigJson =
      assembly.pushSecret === undefined
        ? undefined
        : await readDockerConfigSecret(options.client, namespace, assembly.pushSecret);
    const { sources, integratedHosts, token } = await openSourceStores(options, namespace);
    const destinationHost = registryOf(assembly.to);
    // The push Secret never leaves the destination's registry; the token never leaves the integrated one.
    const destination = new ImageStores({
      ...options.registryOptions,
      ...(dockerConfigJson === undefined ? {} : { dockerConfigJson }),
    });
    const log = options.log.child({ release: assembly.name });
    let release;
    try {
      release = await assembleRelease(
        {
          source:
            assembly.fromRelease === undefined
              ? { kind: "images" }
              : { kind: "release", pullspec: assembly.fromRelease },
          images: assembly.images,
          name: assembly.name,
          to: assembly.to,
          baseTag: assembly.baseTag,
          include: assembly.include,
          ...(assembly.previous === undefined ? {} : { previous: assembly.previous }),
          ...(assembly.metadata === undefined ? {} : { metadata: assembly.metadata }),
        },
        {
          openStore: (reference) =>
            destinationHost !== undefined && registryOf(reference) === destinationHost
              ? destination.open(reference)
              : sources.open(reference),
          log: (message) => log.debug(message),
          cache,
        },
      );
    } catch (error: unknown) {
      throw explainRefusedRead(error, assembly, integratedHosts, token !== undefined);
    }
    // Registries give `repo@digest`; OCI layouts `oci:DIR:tag` (the digest is reported beside it).
    const pinned = release.pullspec.includes("@") || release.pullspec.startsWith("oci:");
    const pullspec = pinned ? release.pullspec : `${release.pullspec}@${release.digest}`;
    return { digest: release.digest, pullspec };
  };
}

/** The registry host of a `docker://` reference or bare pullspec; `undefined` for an `oci:` layout. */
function registryOf(reference: string): string | undefined {
  try {
    const parsed = parseImageReference(reference);
    return parsed.transport === "docker" ? parsed.registry : undefined;
  } catch {
    return undefined; // assembleRelease reports the malformed reference
  }
}

/** A refused read of an integrated-registry image gains the permission it needs; other errors pass. */
function explainRefusedRead(
  error: unknown,
  assembly: ReleaseAssembly,
  integratedHosts: ReadonlySet<string>,
  hadToken: boolean,
): unknown {
  if (!isRegistryError(error, "UNAUTHORIZED", "DENIED")) return error;
  const pullspecs = assembly.images.map((i) => i.pullspec);
  const hint = missingLayersPermission(error.message, pullspecs, integratedHosts, hadToken);
  if (hint === undefined) return error;
  return new RegistryError(error.code, `${error.message}; ${hint}`, {
    ...(error.status === undefined ? {} : { status: error.status }),
    cause: error,
  });
}
