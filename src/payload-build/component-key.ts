/**
 * Component keys: the input address of a component's image across PayloadBuilds. A key is a
 * SHA-256 over the canonical JSON of everything that determines the image: the git URL and the
 * full commit its ref resolved to, context dir, Dockerfile path, build args, env, backend settings,
 * target architectures, every external image resolved to a digest, and for every input that is
 * another component that component's key (so a parent's change reaches every descendant), plus a
 * recipe version.
 *
 * The Dockerfile's content is in the key through the commit (it is read from the repository at that
 * commit, at `contextDir`/`dockerfile`). The operator never reads or rewrites it (checked in
 * `src/builds/` and `src/payload-build/`: the backends pass only its path, `dockerStrategy.dockerfilePath` or the
 * Shipwright `dockerfile` parameter). It is rewritten in the build, by the build system: OpenShift's
 * Docker strategy (openshift/builder) and our Shipwright strategy (`deploy/shipwright/okd-payload-buildah.yaml`,
 * its awk step) replace the last FROM with `from`, the images named in `inputs[].as` with those
 * inputs, and add `env` as ENV after every FROM. The rewritten content is therefore a function of
 * what the key holds: the commit, the path, `from` and each input by digest or key, each input's
 * `as`, `env`, and the rewriter (the backend identity: `openshift`, or the Shipwright strategy's kind
 * and name). Not in the key: a change to a strategy's steps under the same name (give a changed
 * strategy a new name, or build once with `spec.rebuild: Always`).
 *
 * Pure: the resolving (git refs, registry tags) happens before, and every key of a payload is
 * computed at once, before any build starts.
 */
import { createHash } from "node:crypto";
import type { JsonValue } from "../builds/build-backend.js";
import type { ComponentGraph } from "./component-graph.js";
import { canonicalJson } from "./input-identity.js";
import { topologicalOrder } from "./levels.js";
import type { ResolvedComponent } from "./resolve-component.js";

/** Version of the key recipe: bump it to invalidate every recorded build. */
export const COMPONENT_KEY_RECIPE = "okd-payload-operator/component-key/v2";

/** A key that cannot be computed: names the component, the field and what was expected. */
export class ComponentKeyError extends Error {
  override readonly name = "ComponentKeyError";
  constructor(
    readonly component: string,
    message: string,
    /** Set when the key is missing only because this component's own key is (it is blocked by it). */
    readonly blockedBy?: string,
  ) {
    super(message);
  }
}

/** What was resolved for the payload before its keys are computed. */
export interface ResolvedPayloadInputs {
  /** Component name -> the full 40-hex commit its `source.git` ref resolved to. */
  readonly commits: Readonly<Record<string, string>>;
  /** External pullspec as written in the spec -> its manifest digest (`sha256:<64 hex>`). */
  readonly imageDigests: Readonly<Record<string, string>>;
}

/** Everything {@link computeComponentKeys} reads. */
export interface ComponentKeyInput {
  /** The payload's components with defaults applied (`resolveComponents`). */
  readonly components: readonly ResolvedComponent[];
  /** The validated dependency graph over the same names. */
  readonly graph: ComponentGraph;
  /** `spec.architectures` (order does not matter); undefined: the cluster default. */
  readonly architectures?: readonly string[] | undefined;
  /** The backend identity of a component (`backendForComponent(...).identity`). */
  readonly backendIdentity: (component: ResolvedComponent) => JsonValue;
  readonly resolved: ResolvedPayloadInputs;
  /**
   * When given, a component whose key cannot be computed is reported here and left out (and so,
   * naming a missing parent key, are its descendants) instead of throwing.
   */
  readonly onError?: (error: ComponentKeyError) => void;
}

/** One component's key and the document it hashes. */
export interface ComponentKey {
  /** `sha256:<64 hex>`. */
  readonly key: string;
  /** The canonical document hashed (for explaining why two keys differ). */
  readonly document: ComponentKeyDocument;
}

/** The JSON document a key hashes (see the module documentation). */
export interface ComponentKeyDocument {
  readonly recipe: string;
  readonly backend: JsonValue;
  readonly architectures: readonly string[] | null;
  /** Prebuilt components: the image digest, nothing else. */
  readonly image?: string;
  readonly git?: { readonly uri: string; readonly commit: string } | null;
  readonly contextDir?: string | null;
  /** The Dockerfile's path in the context (`Dockerfile` when unset); its content is the commit's. */
  readonly dockerfile?: { readonly path: string };
  readonly buildArgs?: Readonly<Record<string, string>>;
  readonly env?: Readonly<Record<string, string>>;
  readonly from?: ReferenceKey | null;
  readonly inputs?: readonly {
    readonly from: ReferenceKey;
    readonly as: readonly string[];
    readonly paths: readonly { readonly sourcePath: string; readonly destinationDir: string }[];
  }[];
}

/** A reference in a key document: another component's key, or an external image's digest. */
export type ReferenceKey =
  { readonly component: string; readonly key: string } | { readonly image: string; readonly digest: string };

const DIGEST = /^sha256:[0-9a-f]{64}$/;
const COMMIT = /^[0-9a-f]{40}$/;

/** The digest pinned in a pullspec (`repo@sha256:...`), if any. */
export function pinnedDigestOf(pullspec: string): string | undefined {
  const at = pullspec.lastIndexOf("@");
  const digest = at < 0 ? undefined : pullspec.slice(at + 1);
  return digest !== undefined && DIGEST.test(digest) ? digest : undefined;
}

/**
 * Every external image pullspec the components build from or take as prebuilt (`image`, `from`,
 * `inputs[].from` that name no component), without duplicates, sorted: what must be resolved to a
 * digest before keys can be computed. Pullspecs already pinned by digest are included (they resolve
 * to themselves).
 */
export function externalImagesOf(components: readonly ResolvedComponent[]): string[] {
  const names = new Set(components.map((c) => c.builds ?? c.name));
  const images = new Set<string>();
  for (const c of components) {
    if (c.prebuilt) {
      if (c.spec.image !== undefined) images.add(c.spec.image);
      continue;
    }
    for (const ref of [c.spec.from, ...c.inputs.map((i) => i.from)]) {
      if (ref !== undefined && !names.has(ref)) images.add(ref);
    }
  }
  return [...images].sort();
}

/**
 * The key of every component, computed in dependency order so each component's document holds
 * its component inputs' keys. Throws {@link ComponentKeyError} naming the component and field when
 * a git source has no resolved commit or an external image no digest. `dependsOn` is ordering only
 * and not part of a key; resources, the component's position and its dependents are not either.
 */
export function computeComponentKeys(input: ComponentKeyInput): Map<string, ComponentKey> {
  const { graph, resolved } = input;
  const byName = new Map(input.components.map((c) => [c.name, c]));
  const architectures = input.architectures === undefined ? null : [...new Set(input.architectures)].sort();
  const keys = new Map<string, ComponentKey>();
  const referenceKey = (component: ResolvedComponent, ref: string, field: string): ReferenceKey => {
    const parent = keys.get(ref);
    if (parent !== undefined) return { component: ref, key: parent.key };
    if (byName.has(ref)) {
      throw new ComponentKeyError(
        component.name,
        `component ${component.name}: ${field} names component ${ref}, whose key is not computed yet (is it a dependency in the graph?)`,
        ref,
      );
    }
    return { image: ref, digest: digestOf(component.name, ref, field, resolved.imageDigests) };
  };
  for (const index of topologicalOrder(graph)) {
    const component = byName.get(graph.names[index] ?? "");
    if (component === undefined) continue;
    let document: ComponentKeyDocument;
    try {
      document = keyDocument(component, input, architectures, referenceKey);
    } catch (err: unknown) {
      if (input.onError === undefined || !(err instanceof ComponentKeyError)) throw err;
      input.onError(err);
      continue;
    }
    const key = `sha256:${createHash("sha256").update(canonicalJson(document)).digest("hex")}`;
    keys.set(component.name, { key, document });
  }
  return keys;
}

function keyDocument(
  component: ResolvedComponent,
  input: ComponentKeyInput,
  architectures: readonly string[] | null,
  referenceKey: (component: ResolvedComponent, ref: string, field: string) => ReferenceKey,
): ComponentKeyDocument {
  const path = `spec.components[${component.specIndex}]`;
  const common = { recipe: COMPONENT_KEY_RECIPE, backend: input.backendIdentity(component), architectures };
  const spec = component.spec;
  if (component.prebuilt) {
    const image = spec.image ?? "";
    return {
      ...common,
      image: digestOf(component.name, image, `${path}.image`, input.resolved.imageDigests),
    };
  }
  const git = spec.source?.git;
  let source: { uri: string; commit: string } | null = null;
  if (git !== undefined) {
    const commit = input.resolved.commits[component.name];
    if (commit === undefined || !COMMIT.test(commit)) {
      throw new ComponentKeyError(
        component.name,
        `component ${component.name}: ${path}.source.git: ref ${git.ref ?? "(default branch)"} of ${git.uri} has no resolved commit (expected 40 hex digits, got ${commit ?? "nothing"})`,
      );
    }
    source = { uri: normalizeGitUri(git.uri), commit };
  }
  return {
    ...common,
    git: source,
    contextDir: spec.source?.contextDir ?? null,
    dockerfile: { path: spec.dockerfile ?? "Dockerfile" },
    buildArgs: { ...component.buildArgs },
    env: { ...component.env },
    from: spec.from === undefined ? null : referenceKey(component, spec.from, `${path}.from`),
    inputs: component.inputs.map((i) => ({
      from: referenceKey(component, i.from, `${i.path}.from`),
      as: [...(i.as ?? [])],
      paths: (i.paths ?? []).map((p) => ({ sourcePath: p.sourcePath, destinationDir: p.destinationDir })),
    })),
  };
}

function digestOf(
  component: string,
  pullspec: string,
  field: string,
  digests: Readonly<Record<string, string>>,
): string {
  const digest =
    pinnedDigestOf(pullspec) ?? (Object.hasOwn(digests, pullspec) ? digests[pullspec] : undefined);
  if (digest === undefined || !DIGEST.test(digest)) {
    throw new ComponentKeyError(
      component,
      `component ${component}: ${field}: image ${pullspec} has no resolved digest (expected sha256:<64 hex>, got ${digest ?? "nothing"})`,
    );
  }
  return digest;
}

/** A git URL as keys compare it: no trailing slash or `.git`, lower-case scheme and host. */
export function normalizeGitUri(uri: string): string {
  const trimmed = uri.replace(/\/+$/, "").replace(/\.git$/, "");
  const match = /^([a-z][a-z0-9+.-]*:\/\/)([^/]*)(.*)$/i.exec(trimmed);
  if (match === null) return trimmed;
  return `${(match[1] ?? "").toLowerCase()}${(match[2] ?? "").toLowerCase()}${match[3] ?? ""}`;
}

/** The longest registry tag is 128 characters (distribution spec: `[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}`). */
export const MAX_TAG_LENGTH = 128;

/**
 * The registry tag recording a build of `component` with `key`: `<component>-<key hex>`, the hex
 * cut to fit 128 characters (the full key is in the image's label, checked before reuse).
 */
export function componentKeyTag(component: string, key: string): string {
  const hex = key.startsWith("sha256:") ? key.slice("sha256:".length) : key;
  return `${component}-${hex.slice(0, Math.max(0, MAX_TAG_LENGTH - component.length - 1))}`;
}

/** The payload key: one hash over every component's key (what a release of them was made from). */
export function payloadKeyOf(keys: ReadonlyMap<string, ComponentKey>): string {
  const entries = [...keys.entries()]
    .map(([name, k]): [string, string] => [name, k.key])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `sha256:${createHash("sha256").update(canonicalJson(entries)).digest("hex")}`;
}
