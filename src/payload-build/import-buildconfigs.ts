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
 * - Inputs and resources that (nearly) every BuildConfig carries, as the pipeline's kustomize
 *   patches inject them, are factored into `spec.defaults`, with `skipDefaults`/`skipDefaultInputs`
 *   on the components that lack them.
 * - References nothing produces are reported, with a suggestion when a BuildConfig of that name
 *   outputs a differently named tag.
 */
import { z } from "zod";
import {
  API_GROUP_VERSION,
  PAYLOAD_BUILD,
  type ComponentInput,
  type PayloadBuildInput,
  type ResourceRequirements,
} from "../api/index.js";
import { compareNames } from "./levels.js";

const ObjectReference = z.looseObject({
  kind: z.string().optional(),
  name: z.string(),
  namespace: z.string().optional(),
});
type ObjectReference = z.output<typeof ObjectReference>;
const NameValue = z.looseObject({
  name: z.string(),
  value: z.string().optional(),
  valueFrom: z.unknown().optional(),
});

const SourceImageSchema = z.looseObject({
  from: ObjectReference,
  as: z.array(z.string()).nullish(),
  paths: z.array(z.looseObject({ sourcePath: z.string(), destinationDir: z.string() })).nullish(),
});
type SourceImage = z.output<typeof SourceImageSchema>;

const BuildConfigSchema = z.looseObject({
  kind: z.literal("BuildConfig"),
  metadata: z.looseObject({ name: z.string(), namespace: z.string().optional() }),
  spec: z.looseObject({
    output: z.looseObject({ to: ObjectReference.optional() }).optional(),
    resources: z.looseObject({}).optional(),
    source: z
      .looseObject({
        git: z.looseObject({ uri: z.string(), ref: z.string().optional() }).optional(),
        contextDir: z.string().optional(),
        images: z.array(SourceImageSchema).nullish(),
      })
      .optional(),
    strategy: z
      .looseObject({
        dockerStrategy: z
          .looseObject({
            from: ObjectReference.optional(),
            dockerfilePath: z.string().optional(),
            buildArgs: z.array(NameValue).nullish(),
            env: z.array(NameValue).nullish(),
          })
          .optional(),
      })
      .optional(),
  }),
});
type BuildConfig = z.output<typeof BuildConfigSchema>;

const ImageStreamSchema = z.looseObject({
  kind: z.literal("ImageStream"),
  metadata: z.looseObject({ name: z.string() }),
  spec: z
    .looseObject({
      tags: z.array(z.looseObject({ name: z.string(), from: ObjectReference.optional() })).nullish(),
    })
    .optional(),
});

/** A reference nothing in the input produces. */
export interface UnresolvedReference {
  /** Component holding the reference. */
  readonly component: string;
  /** Field path in the generated PayloadBuild, e.g. `spec.components[31].inputs[0].from`. */
  readonly path: string;
  /** The reference as the BuildConfig wrote it (`release:ovn-kubernetes`, `tools:centos9`). */
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

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => compareNames(a, b)),
        )
      : v,
  );
}

function splitTag(name: string): [stream: string, tag: string] | undefined {
  const colon = name.indexOf(":");
  return colon > 0 ? [name.slice(0, colon), name.slice(colon + 1)] : undefined;
}

function toMap(
  list: readonly z.output<typeof NameValue>[] | null | undefined,
  notes: string[],
  where: string,
) {
  const map: Record<string, string> = {};
  for (const item of list ?? []) {
    if (item.value === undefined && item.valueFrom !== undefined) {
      notes.push(
        `${where}: ${item.name} uses valueFrom, which a PayloadBuild cannot express; it was left out`,
      );
      continue;
    }
    map[item.name] = item.value ?? "";
  }
  return Object.keys(map).length > 0 ? map : undefined;
}

/** Flattens documents, expanding `kind: List` items. */
function flatten(documents: readonly unknown[]): unknown[] {
  return documents.flatMap((doc) => {
    const list = z.looseObject({ kind: z.literal("List"), items: z.array(z.unknown()) }).safeParse(doc);
    return list.success ? flatten(list.data.items) : [doc];
  });
}

/** Imports BuildConfigs (and ImageStreams) from already-parsed documents. Non-BuildConfig objects are ignored. */
export function importBuildConfigs(
  documents: readonly unknown[],
  options: ImportOptions = {},
): BuildConfigImport {
  const notes: string[] = [];
  const buildConfigs: BuildConfig[] = [];
  const streams = new Map<string, Map<string, ObjectReference | undefined>>();
  for (const doc of flatten(documents)) {
    const bc = BuildConfigSchema.safeParse(doc);
    if (bc.success) {
      buildConfigs.push(bc.data);
      continue;
    }
    const is = ImageStreamSchema.safeParse(doc);
    if (is.success) {
      streams.set(is.data.metadata.name, new Map((is.data.spec?.tags ?? []).map((t) => [t.name, t.from])));
    }
  }

  // The payload stream: the one most outputs go to.
  const outputCounts = new Map<string, number>();
  for (const bc of buildConfigs) {
    const target = bc.spec.output?.to;
    const split = target?.kind === "ImageStreamTag" ? splitTag(target.name) : undefined;
    if (split) outputCounts.set(split[0], (outputCounts.get(split[0]) ?? 0) + 1);
  }
  const imageStream =
    options.imageStream ??
    [...outputCounts.entries()].sort((a, b) => b[1] - a[1] || compareNames(a[0], b[0]))[0]?.[0] ??
    "release";

  // Component per BuildConfig output tag.
  const producers = new Map<string, BuildConfig>();
  const tagOfBuildConfig = new Map<string, string>();
  for (const bc of buildConfigs) {
    const target = bc.spec.output?.to;
    const split = target?.kind === "ImageStreamTag" ? splitTag(target.name) : undefined;
    if (!split || split[0] !== imageStream) {
      notes.push(
        `BuildConfig ${bc.metadata.name}: output is not a tag of ImageStream ${imageStream}; skipped`,
      );
      continue;
    }
    const tag = split[1];
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

  // Placeholder tags of the payload stream that point at external images become prebuilt components.
  const prebuilt = new Map<string, string>();
  for (const [tag, from] of streams.get(imageStream) ?? []) {
    if (from?.kind === "DockerImage" && !producers.has(tag)) prebuilt.set(tag, from.name);
  }

  const unresolved: UnresolvedReference[] = [];
  const resolve = (ref: ObjectReference, component: string, path: string): string => {
    const kind = ref.kind ?? "DockerImage";
    if (kind === "DockerImage") return ref.name;
    const split = kind === "ImageStreamTag" ? splitTag(ref.name) : undefined;
    if (split && split[0] === imageStream && ref.namespace === undefined) {
      const tag = split[1];
      if (producers.has(tag) || prebuilt.has(tag)) return tag;
      const renamed = tagOfBuildConfig.get(tag);
      unresolved.push({
        component,
        path,
        reference: ref.name,
        fix:
          renamed !== undefined
            ? `nothing outputs ${ref.name}; BuildConfig ${tag} outputs ${imageStream}:${renamed}. Change this reference to ${renamed}, or add a component named ${tag}`
            : `nothing outputs ${ref.name}. Add a component named ${tag} (built, or prebuilt with image: <pullspec>), or change this reference to an existing component or a pullspec`,
        ...(renamed !== undefined ? { suggestion: renamed } : {}),
      });
      return tag;
    }
    if (split) {
      // A tag of another ImageStream: follow it to a DockerImage when that stream is in the input.
      const seen = new Set<string>();
      let current: ObjectReference | undefined = ref;
      while (current?.kind === "ImageStreamTag" && !seen.has(current.name)) {
        seen.add(current.name);
        const parts: [string, string] = splitTag(current.name) ?? ["", ""];
        current = streams.get(parts[0])?.get(parts[1]);
      }
      if (current?.kind === "DockerImage") {
        notes.push(`${path}: ImageStreamTag ${ref.name} resolved to ${current.name}`);
        return current.name;
      }
    }
    unresolved.push({
      component,
      path,
      reference: `${kind} ${ref.name}`,
      fix: `${kind} ${ref.name} is not in the input; replace it with the image pullspec it stands for`,
    });
    return ref.name;
  };

  // Defaults: source.images entries carried by at least half of the BuildConfigs (the injected ones).
  const inputCounts = new Map<string, number>();
  const resourceCounts = new Map<string, { resources: ResourceRequirements; count: number }>();
  for (const bc of producers.values()) {
    for (const image of bc.spec.source?.images ?? []) {
      const key = canonical(image);
      inputCounts.set(key, (inputCounts.get(key) ?? 0) + 1);
    }
    if (bc.spec.resources !== undefined) {
      const key = canonical(bc.spec.resources);
      const entry = resourceCounts.get(key);
      if (entry) entry.count++;
      else resourceCounts.set(key, { resources: bc.spec.resources as ResourceRequirements, count: 1 });
    }
  }
  const threshold = Math.max(2, Math.ceil(producers.size / 2));
  const defaultKeys = [...inputCounts.entries()]
    .filter(([, count]) => count >= threshold)
    .map(([key]) => key);
  const commonResources = [...resourceCounts.entries()].sort((a, b) => b[1].count - a[1].count)[0];
  const defaultResourcesKey =
    commonResources && commonResources[1].count >= threshold ? commonResources[0] : undefined;

  const convertInput = (image: SourceImage, component: string, path: string): ComponentInput => ({
    from: resolve(image.from, component, `${path}.from`),
    ...(image.as && image.as.length > 0 ? { as: [...image.as] } : {}),
    ...(image.paths && image.paths.length > 0
      ? { paths: image.paths.map((p) => ({ sourcePath: p.sourcePath, destinationDir: p.destinationDir })) }
      : {}),
  });
  const defaultInputs = defaultKeys.map((key, j) => {
    const image = SourceImageSchema.parse(JSON.parse(key));
    return convertInput(image, "(defaults)", `spec.defaults.inputs[${j}]`);
  });

  const components: NonNullable<PayloadBuildInput["spec"]>["components"] = [];
  for (const [tag, bc] of producers) {
    const path = `spec.components[${components.length}]`;
    const docker = bc.spec.strategy?.dockerStrategy;
    const source = bc.spec.source;
    const images = source?.images ?? [];
    const keys = images.map(canonical);
    const own = images.filter((_, j) => !defaultKeys.includes(keys[j] ?? ""));
    const missing = defaultKeys.filter((key, j) => !keys.includes(key) && defaultInputs[j]?.from !== tag);
    const missingFroms = missing.map((key) => defaultInputs[defaultKeys.indexOf(key)]?.from ?? "");
    const skipAll =
      defaultKeys.length > 0 &&
      missing.length === defaultKeys.filter((_, j) => defaultInputs[j]?.from !== tag).length &&
      missing.length > 0;
    const resourcesKey = bc.spec.resources === undefined ? undefined : canonical(bc.spec.resources);
    const where = `BuildConfig ${bc.metadata.name}`;
    const buildArgs = toMap(docker?.buildArgs, notes, where);
    const env = toMap(docker?.env, notes, where);
    const contextDir =
      source?.contextDir !== undefined && source.contextDir !== "." ? source.contextDir : undefined;
    const gitSource = source?.git
      ? { uri: source.git.uri, ...(source.git.ref ? { ref: source.git.ref } : {}) }
      : undefined;
    components.push({
      name: tag,
      ...(gitSource || contextDir
        ? { source: { ...(gitSource ? { git: gitSource } : {}), ...(contextDir ? { contextDir } : {}) } }
        : {}),
      ...(docker?.dockerfilePath && docker.dockerfilePath !== "Dockerfile"
        ? { dockerfile: docker.dockerfilePath }
        : {}),
      ...(docker?.from ? { from: resolve(docker.from, tag, `${path}.from`) } : {}),
      ...(own.length > 0
        ? { inputs: own.map((image, j) => convertInput(image, tag, `${path}.inputs[${j}]`)) }
        : {}),
      ...(buildArgs ? { buildArgs } : {}),
      ...(env ? { env } : {}),
      ...(resourcesKey !== undefined && resourcesKey !== defaultResourcesKey
        ? { resources: bc.spec.resources as ResourceRequirements }
        : {}),
      ...(skipAll ? { skipDefaults: true } : missing.length > 0 ? { skipDefaultInputs: missingFroms } : {}),
    });
  }
  for (const [tag, image] of [...prebuilt.entries()].sort((a, b) => compareNames(a[0], b[0]))) {
    components.push({ name: tag, image });
    notes.push(`ImageStream ${imageStream} tag ${tag} points at ${image}; imported as a prebuilt component`);
  }

  const namespace = buildConfigs.find((bc) => bc.metadata.namespace !== undefined)?.metadata.namespace;
  const defaults = {
    ...(defaultInputs.length > 0 ? { inputs: defaultInputs } : {}),
    ...(defaultResourcesKey !== undefined ? { resources: commonResources?.[1].resources } : {}),
  };
  const payloadBuild: PayloadBuildInput = {
    apiVersion: API_GROUP_VERSION,
    kind: PAYLOAD_BUILD.kind,
    metadata: { name: options.name ?? imageStream, ...(namespace ? { namespace } : {}) },
    spec: {
      imageStream,
      ...(Object.keys(defaults).length > 0 ? { defaults } : {}),
      components,
    },
  };
  return { payloadBuild, unresolved, notes };
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
