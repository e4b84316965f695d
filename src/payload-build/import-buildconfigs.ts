/**
 * Imports OpenShift BuildConfigs (as okd-payload-pipeline keeps them) into a PayloadBuild.
 *
 * - Each BuildConfig whose output is an ImageStreamTag of the payload's stream (`release:X`) becomes
 *   component X (the output tag, not the BuildConfig name).
 * - `dockerStrategy.from` becomes `from`; `source.images` become `inputs`; git source, context dir,
 *   Dockerfile path, build args, env and resources are kept.
 * - ImageStreamTags of the payload's stream become component references. Tags of the payload's
 *   ImageStream that point at a DockerImage (placeholders) become prebuilt components. Tags of other
 *   ImageStreams are resolved to their DockerImage pullspec when that ImageStream is in the input.
 * - Inputs and resources that at least half of the BuildConfigs carry, as the pipeline's kustomize
 *   patches inject them, are factored into `spec.defaults`, with `skipDefaults`/`skipDefaultInputs`
 *   on the components that lack them.
 * - References nothing produces are reported, with a suggestion when a BuildConfig of that name
 *   outputs a differently named tag.
 */
import {
  API_GROUP_VERSION,
  PAYLOAD_BUILD,
  type ComponentInput,
  type PayloadBuildInput,
  type ResourceRequirements,
} from "../api/index.js";
import { compareNames } from "./levels.js";
import {
  SourceImageSchema,
  canonicalJson,
  nameValueMap,
  outputTagOf,
  readBuildObjects,
  splitTag,
  type BuildConfig,
  type ImageStreamTags,
  type ObjectReference,
  type SourceImage,
} from "./openshift-build-objects.js";

/** A reference nothing in the input produces. */
export interface UnresolvedReference {
  /** Component holding the reference. */
  readonly component: string;
  /** Field path in the generated PayloadBuild, e.g. `spec.components[31].inputs[0].from`. */
  readonly path: string;
  /** The reference as the BuildConfig wrote it (`release:ovn-kubernetes`, `ImageStreamTag tools:x`). */
  readonly reference: string;
  /** What to do about it. */
  readonly fix: string;
  /** A component that probably is what was meant (a BuildConfig of that name outputs it). */
  readonly suggestion?: string;
}

/** Outcome of {@link importBuildConfigs}. */
export interface BuildConfigImport {
  readonly payloadBuild: PayloadBuildInput;
  readonly unresolved: readonly UnresolvedReference[];
  /** Informational notes: renamed components, resolved ImageStreamTags, skipped objects. */
  readonly notes: readonly string[];
}

/** Options of {@link importBuildConfigs}. */
export interface ImportOptions {
  /** Name of the generated PayloadBuild; default: the ImageStream name. */
  readonly name?: string;
  /** The payload's ImageStream; default: the stream most BuildConfigs output to. */
  readonly imageStream?: string;
}

type ComponentEntry = PayloadBuildInput["spec"]["components"][number];

/** The stream most BuildConfigs output to (ties by name); `release` when none does. */
function payloadStreamOf(buildConfigs: readonly BuildConfig[]): string {
  const counts = new Map<string, number>();
  for (const bc of buildConfigs) {
    const output = outputTagOf(bc);
    if (output) counts.set(output[0], (counts.get(output[0]) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || compareNames(a[0], b[0]))[0]?.[0] ?? "release";
}

/** The BuildConfig producing each tag of `imageStream` (first one wins), and each BuildConfig's tag. */
function indexProducers(buildConfigs: readonly BuildConfig[], imageStream: string, notes: string[]) {
  const producers = new Map<string, BuildConfig>();
  const tagOfBuildConfig = new Map<string, string>();
  for (const bc of buildConfigs) {
    const output = outputTagOf(bc);
    if (!output || output[0] !== imageStream) {
      notes.push(
        `BuildConfig ${bc.metadata.name}: output is not a tag of ImageStream ${imageStream}; skipped`,
      );
      continue;
    }
    const [, tag] = output;
    const other = producers.get(tag);
    if (other) {
      notes.push(
        `BuildConfigs ${other.metadata.name} and ${bc.metadata.name} both output ${imageStream}:${tag}; kept the first`,
      );
      continue;
    }
    producers.set(tag, bc);
    tagOfBuildConfig.set(bc.metadata.name, tag);
    if (tag !== bc.metadata.name)
      notes.push(`BuildConfig ${bc.metadata.name} becomes component ${tag} (its output tag)`);
  }
  return { producers, tagOfBuildConfig };
}

/** Turns BuildConfig image references into component names or pullspecs, recording what it cannot resolve. */
class ReferenceResolver {
  readonly unresolved: UnresolvedReference[] = [];

  constructor(
    private readonly imageStream: string,
    private readonly known: ReadonlySet<string>,
    private readonly tagOfBuildConfig: ReadonlyMap<string, string>,
    private readonly streams: ImageStreamTags,
    private readonly notes: string[],
  ) {}

  resolve(ref: ObjectReference, component: string, path: string): string {
    const kind = ref.kind ?? "DockerImage";
    if (kind === "DockerImage") return ref.name;
    const split = kind === "ImageStreamTag" ? splitTag(ref.name) : undefined;
    if (split && split[0] === this.imageStream && ref.namespace === undefined) {
      return this.resolvePayloadTag(split[1], ref.name, component, path);
    }
    if (split) {
      // A tag of another ImageStream: follow it to a DockerImage when that stream is in the input.
      const seen = new Set<string>();
      let current: ObjectReference | undefined = ref;
      while (current?.kind === "ImageStreamTag" && !seen.has(current.name)) {
        seen.add(current.name);
        const parts: [string, string] = splitTag(current.name) ?? ["", ""];
        current = this.streams.get(parts[0])?.get(parts[1]);
      }
      if (current?.kind === "DockerImage") {
        this.notes.push(`${path}: ImageStreamTag ${ref.name} resolved to ${current.name}`);
        return current.name;
      }
    }
    this.unresolved.push({
      component,
      path,
      reference: `${kind} ${ref.name}`,
      fix: `${kind} ${ref.name} is not in the input; replace it with the image pullspec it stands for`,
    });
    return ref.name;
  }

  private resolvePayloadTag(tag: string, reference: string, component: string, path: string): string {
    if (this.known.has(tag)) return tag;
    const renamed = this.tagOfBuildConfig.get(tag);
    const stream = this.imageStream;
    this.unresolved.push({
      component,
      path,
      reference,
      fix:
        renamed !== undefined
          ? `nothing outputs ${reference}; BuildConfig ${tag} outputs ${stream}:${renamed}. Change this reference to ${renamed}, or add a component named ${tag}`
          : `nothing outputs ${reference}. Add a component named ${tag} (built, or prebuilt with image: <pullspec>), or change this reference to an existing component or a pullspec`,
      ...(renamed !== undefined ? { suggestion: renamed } : {}),
    });
    return tag;
  }
}

/** Inputs and resources carried by at least half of the BuildConfigs: the injected defaults. */
function findCommonSettings(buildConfigs: readonly BuildConfig[]) {
  const inputCounts = new Map<string, number>();
  const resourceCounts = new Map<string, number>();
  for (const bc of buildConfigs) {
    for (const image of bc.spec.source?.images ?? []) {
      const key = canonicalJson(image);
      inputCounts.set(key, (inputCounts.get(key) ?? 0) + 1);
    }
    if (bc.spec.resources !== undefined) {
      const key = canonicalJson(bc.spec.resources);
      resourceCounts.set(key, (resourceCounts.get(key) ?? 0) + 1);
    }
  }
  const threshold = Math.max(2, Math.ceil(buildConfigs.length / 2));
  const inputKeys = [...inputCounts.entries()].filter(([, count]) => count >= threshold).map(([key]) => key);
  const [resources] = [...resourceCounts.entries()].sort((a, b) => b[1] - a[1])[0] ?? [];
  const resourcesKey =
    resources !== undefined && (resourceCounts.get(resources) ?? 0) >= threshold ? resources : undefined;
  return { inputKeys, resourcesKey };
}

function convertInput(
  resolver: ReferenceResolver,
  image: SourceImage,
  component: string,
  path: string,
): ComponentInput {
  return {
    from: resolver.resolve(image.from, component, `${path}.from`),
    ...(image.as && image.as.length > 0 ? { as: [...image.as] } : {}),
    ...(image.paths && image.paths.length > 0
      ? { paths: image.paths.map((p) => ({ sourcePath: p.sourcePath, destinationDir: p.destinationDir })) }
      : {}),
  };
}

/** Everything {@link convertBuildConfig} needs besides the BuildConfig itself. */
interface ConversionContext {
  readonly resolver: ReferenceResolver;
  /** Canonical JSON of the source.images entries that became spec.defaults.inputs. */
  readonly defaultInputKeys: readonly string[];
  readonly defaultInputs: readonly ComponentInput[];
  readonly defaultResourcesKey: string | undefined;
  readonly notes: string[];
}

/** One BuildConfig as a component at `path`. */
function convertBuildConfig(
  bc: BuildConfig,
  tag: string,
  path: string,
  context: ConversionContext,
): ComponentEntry {
  const { resolver, defaultInputKeys, defaultInputs } = context;
  const docker = bc.spec.strategy?.dockerStrategy;
  const source = bc.spec.source;
  const images = source?.images ?? [];
  const keys = images.map(canonicalJson);
  const own = images.filter((_, j) => !defaultInputKeys.includes(keys[j] ?? ""));
  // Default inputs this BuildConfig lacks (its own output as a default input is ignored anyway).
  const applicable = defaultInputKeys.filter((_, j) => defaultInputs[j]?.from !== tag);
  const missing = applicable.filter((key) => !keys.includes(key));
  const missingFroms = missing.map((key) => defaultInputs[defaultInputKeys.indexOf(key)]?.from ?? "");
  const where = `BuildConfig ${bc.metadata.name}`;
  const buildArgs = nameValueMap(docker?.buildArgs, context.notes, where);
  const env = nameValueMap(docker?.env, context.notes, where);
  const contextDir =
    source?.contextDir !== undefined && source.contextDir !== "." ? source.contextDir : undefined;
  const git = source?.git
    ? { uri: source.git.uri, ...(source.git.ref ? { ref: source.git.ref } : {}) }
    : undefined;
  const resourcesKey = bc.spec.resources === undefined ? undefined : canonicalJson(bc.spec.resources);
  return {
    name: tag,
    ...(git || contextDir
      ? { source: { ...(git ? { git } : {}), ...(contextDir ? { contextDir } : {}) } }
      : {}),
    ...(docker?.dockerfilePath && docker.dockerfilePath !== "Dockerfile"
      ? { dockerfile: docker.dockerfilePath }
      : {}),
    ...(docker?.from ? { from: resolver.resolve(docker.from, tag, `${path}.from`) } : {}),
    ...(own.length > 0
      ? { inputs: own.map((image, j) => convertInput(resolver, image, tag, `${path}.inputs[${j}]`)) }
      : {}),
    ...(buildArgs ? { buildArgs } : {}),
    ...(env ? { env } : {}),
    ...(resourcesKey !== undefined && resourcesKey !== context.defaultResourcesKey
      ? { resources: bc.spec.resources as ResourceRequirements }
      : {}),
    ...(missing.length === 0
      ? {}
      : missing.length === applicable.length
        ? { skipDefaults: true }
        : { skipDefaultInputs: missingFroms }),
  };
}

/** Imports BuildConfigs (and ImageStreams) from already-parsed documents. Other objects are ignored. */
export function importBuildConfigs(
  documents: readonly unknown[],
  options: ImportOptions = {},
): BuildConfigImport {
  const notes: string[] = [];
  const { buildConfigs, streams } = readBuildObjects(documents);
  const imageStream = options.imageStream ?? payloadStreamOf(buildConfigs);
  const { producers, tagOfBuildConfig } = indexProducers(buildConfigs, imageStream, notes);

  // Placeholder tags of the payload stream that point at external images become prebuilt components.
  const prebuilt = new Map<string, string>();
  for (const [tag, from] of streams.get(imageStream) ?? []) {
    if (from?.kind === "DockerImage" && !producers.has(tag)) prebuilt.set(tag, from.name);
  }
  const known = new Set([...producers.keys(), ...prebuilt.keys()]);
  const resolver = new ReferenceResolver(imageStream, known, tagOfBuildConfig, streams, notes);

  const common = findCommonSettings([...producers.values()]);
  const defaultInputs = common.inputKeys.map((key, j) =>
    convertInput(
      resolver,
      SourceImageSchema.parse(JSON.parse(key)),
      "(defaults)",
      `spec.defaults.inputs[${j}]`,
    ),
  );
  const defaultResources = [...producers.values()].find(
    (bc) => bc.spec.resources !== undefined && canonicalJson(bc.spec.resources) === common.resourcesKey,
  )?.spec.resources as ResourceRequirements | undefined;
  const context: ConversionContext = {
    resolver,
    defaultInputKeys: common.inputKeys,
    defaultInputs,
    defaultResourcesKey: common.resourcesKey,
    notes,
  };

  const components: ComponentEntry[] = [];
  for (const [tag, bc] of producers) {
    components.push(convertBuildConfig(bc, tag, `spec.components[${components.length}]`, context));
  }
  for (const [tag, image] of [...prebuilt.entries()].sort((a, b) => compareNames(a[0], b[0]))) {
    components.push({ name: tag, image });
    notes.push(`ImageStream ${imageStream} tag ${tag} points at ${image}; imported as a prebuilt component`);
  }

  const namespace = buildConfigs.find((bc) => bc.metadata.namespace !== undefined)?.metadata.namespace;
  const defaults = {
    ...(defaultInputs.length > 0 ? { inputs: defaultInputs } : {}),
    ...(defaultResources !== undefined ? { resources: defaultResources } : {}),
  };
  const payloadBuild: PayloadBuildInput = {
    apiVersion: API_GROUP_VERSION,
    kind: PAYLOAD_BUILD.kind,
    metadata: { name: options.name ?? imageStream, ...(namespace ? { namespace } : {}) },
    spec: { imageStream, ...(Object.keys(defaults).length > 0 ? { defaults } : {}), components },
  };
  return { payloadBuild, unresolved: resolver.unresolved, notes };
}

/**
 * The imported PayloadBuild with every suggested fix applied (each unresolved reference that has a
 * suggestion is replaced by it); references without a suggestion stay as they are.
 */
export function applySuggestedFixes(result: BuildConfigImport): PayloadBuildInput {
  const payloadBuild = structuredClone(result.payloadBuild);
  for (const unresolved of result.unresolved) {
    if (unresolved.suggestion === undefined) continue;
    const segments = [...unresolved.path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((m) =>
      m[2] !== undefined ? Number(m[2]) : (m[1] ?? ""),
    );
    const last = segments.pop();
    let node: unknown = payloadBuild;
    for (const segment of segments) node = (node as Record<string | number, unknown> | undefined)?.[segment];
    if (last !== undefined && typeof node === "object" && node !== null) {
      (node as Record<string | number, unknown>)[last] = unresolved.suggestion;
    }
  }
  return payloadBuild;
}
