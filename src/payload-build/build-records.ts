/**
 * Where component builds are recorded so another run finds them, in the registry repository the
 * component images are pushed to (the ImageStream's repository): a tag `<component>-<key>` (the
 * key cut to fit 128 characters, `componentKeyTag`) naming the image, whose labels carry the full
 * key, the key document and the PayloadBuild that built it. Reading checks the label before
 * anything is reused; recording happens only after a successful build, never overwrites a tag
 * that names another image, and refuses an image whose label is not the key. Also resolves the
 * external images of a payload to digests (once per plan).
 */
import { isRegistryError, type ImageStore } from "../registry/image-store.js";
import { parseDockerReference } from "../registry/image-reference.js";
import { resolveImage } from "../release-image/resolve-image.js";
import { componentKeyTag, pinnedDigestOf, type ComponentKeyDocument } from "./component-key.js";
import type { ComponentRecords, RecordedBuild } from "./rebuild-plan.js";

/** Image label holding the full component key (set through the Build's output image labels). */
export const COMPONENT_KEY_LABEL = "io.okd.payload.component-key";
/** Image label holding the key document (canonical JSON), to explain the next rebuild. */
export const COMPONENT_KEY_DOCUMENT_LABEL = "io.okd.payload.component-key-document";
/** Image label naming the PayloadBuild (`namespace/name`) that built the image. */
export const BUILT_BY_LABEL = "io.okd.payload.built-by";
/** ImageStream spec tag annotation holding the component key of the image the tag names. */
export const COMPONENT_KEY_ANNOTATION = "payload.okd.io/component-key";

/** Opens a repository by pullspec (`ImageStores` is one). */
export interface RepositoryOpener {
  open(reference: string): ImageStore;
}

/** Registry error codes of a tag or repository that does not exist. */
const ABSENT = ["MANIFEST_UNKNOWN", "NAME_UNKNOWN", "NOT_FOUND"];

/** The labels a build of a component with `key` must put on its image. */
export function componentKeyLabels(key: string, document: string, builtBy: string): Record<string, string> {
  return { [COMPONENT_KEY_LABEL]: key, [COMPONENT_KEY_DOCUMENT_LABEL]: document, [BUILT_BY_LABEL]: builtBy };
}

/** A recorded build read from `tag`, or undefined when the tag does not exist or its label is no key. */
async function readRecord(store: ImageStore, tag: string, what: string): Promise<RecordedBuild | undefined> {
  let image;
  try {
    image = await resolveImage(store, tag, what);
  } catch (err: unknown) {
    if (isRegistryError(err, ...ABSENT)) return undefined;
    throw err;
  }
  const key = image.labels[COMPONENT_KEY_LABEL];
  if (key === undefined) return undefined;
  const documentText = image.labels[COMPONENT_KEY_DOCUMENT_LABEL];
  let document: ComponentKeyDocument | undefined;
  try {
    document = documentText === undefined ? undefined : (JSON.parse(documentText) as ComponentKeyDocument);
  } catch {
    document = undefined;
  }
  return {
    key,
    image: `${repositoryName(store)}@${image.digest}`,
    payloadBuild: image.labels[BUILT_BY_LABEL],
    document,
  };
}

/**
 * What `store` records of `component`: the build under its key tag when the image's label is that
 * very key (a tag whose label differs, or a key cut to the same tag, is not reused), and the
 * image its plain `<component>` tag names (the latest build, to explain a rebuild).
 */
export async function findComponentRecords(
  store: ImageStore,
  component: string,
  key: string,
): Promise<ComponentRecords> {
  const keyTag = componentKeyTag(component, key);
  const [exact, latest] = await Promise.all([
    readRecord(store, keyTag, `${repositoryName(store)}:${keyTag}`),
    readRecord(store, component, `${repositoryName(store)}:${component}`),
  ]);
  return { exact: exact?.key === key ? exact : undefined, latest };
}

/** The outcome of {@link recordComponentBuild}. */
export type RecordOutcome = "recorded" | "already-recorded" | "kept-existing";

/**
 * Records the successful build of `component` with `key` (image `digest` in `store`) under its key
 * tag. Refuses (throws) when the image's label is not `key`. A tag that already names another
 * image is kept (first successful build wins: `kept-existing`).
 */
export async function recordComponentBuild(
  store: ImageStore,
  component: string,
  key: string,
  digest: string,
): Promise<RecordOutcome> {
  const what = `${repositoryName(store)}@${digest}`;
  const image = await resolveImage(store, digest, what);
  if (image.labels[COMPONENT_KEY_LABEL] !== key) {
    throw new Error(
      `component ${component}: image ${what} has label ${COMPONENT_KEY_LABEL}=${image.labels[COMPONENT_KEY_LABEL] ?? "(none)"}, not its key ${key}; it is not recorded`,
    );
  }
  const tag = componentKeyTag(component, key);
  try {
    const existing = await store.getManifest(tag);
    return existing.digest === digest ? "already-recorded" : "kept-existing";
  } catch (err: unknown) {
    if (!isRegistryError(err, ...ABSENT)) throw err;
  }
  const manifest = await store.getManifest(digest);
  await store.putManifest(tag, manifest.bytes, manifest.mediaType);
  return "recorded";
}

/**
 * The manifest digest of every pullspec (a tag is read from its registry once; a pullspec pinned by
 * digest is its digest). Throws naming the image when one cannot be read.
 */
export async function resolveImageDigests(
  pullspecs: readonly string[],
  stores: RepositoryOpener,
): Promise<Record<string, string>> {
  const entries = await Promise.all(
    pullspecs.map(async (pullspec): Promise<[string, string]> => {
      const pinned = pinnedDigestOf(pullspec);
      if (pinned !== undefined) return [pullspec, pinned];
      try {
        const manifest = await stores.open(pullspec).getManifest(tagOf(pullspec));
        return [pullspec, manifest.digest];
      } catch (err: unknown) {
        throw new Error(
          `image ${pullspec}: cannot resolve its tag to a digest: ${err instanceof Error ? err.message : String(err)}`,
          { cause: err },
        );
      }
    }),
  );
  return Object.fromEntries(entries);
}

function tagOf(pullspec: string): string {
  return parseDockerReference(pullspec).tag ?? "latest";
}

function repositoryName(store: ImageStore): string {
  const ref = store.reference;
  return ref.transport === "docker" ? `${ref.registry}/${ref.repository}` : `oci:${ref.directory}`;
}
