/**
 * The parts of OpenShift BuildConfigs and ImageStreams the BuildConfig importer reads, parsed
 * leniently (unknown fields kept, missing optional parts tolerated), and small helpers on them.
 */
import { z } from "zod";
import { compareNames } from "./levels.js";

/** An `ObjectReference` as builds use it: `{kind: ImageStreamTag|DockerImage|..., name, namespace?}`. */
export const ObjectReferenceSchema = z.looseObject({
  kind: z.string().optional(),
  name: z.string(),
  namespace: z.string().optional(),
});
/** An `ObjectReference` as builds use it. */
export type ObjectReference = z.output<typeof ObjectReferenceSchema>;

/** A `{name, value}` entry of buildArgs or env. */
export const NameValueSchema = z.looseObject({
  name: z.string(),
  value: z.string().optional(),
  valueFrom: z.unknown().optional(),
});
/** A `{name, value}` entry of buildArgs or env. */
export type NameValue = z.output<typeof NameValueSchema>;

/** One `spec.source.images[]` entry. */
export const SourceImageSchema = z.looseObject({
  from: ObjectReferenceSchema,
  as: z.array(z.string()).nullish(),
  paths: z.array(z.looseObject({ sourcePath: z.string(), destinationDir: z.string() })).nullish(),
});
/** One `spec.source.images[]` entry. */
export type SourceImage = z.output<typeof SourceImageSchema>;

/** The fields of a `build.openshift.io/v1` BuildConfig the importer reads. */
export const BuildConfigSchema = z.looseObject({
  kind: z.literal("BuildConfig"),
  metadata: z.looseObject({ name: z.string(), namespace: z.string().optional() }),
  spec: z.looseObject({
    output: z.looseObject({ to: ObjectReferenceSchema.optional() }).optional(),
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
            from: ObjectReferenceSchema.optional(),
            dockerfilePath: z.string().optional(),
            buildArgs: z.array(NameValueSchema).nullish(),
            env: z.array(NameValueSchema).nullish(),
          })
          .optional(),
      })
      .optional(),
  }),
});
/** The fields of a BuildConfig the importer reads. */
export type BuildConfig = z.output<typeof BuildConfigSchema>;

const ImageStreamSchema = z.looseObject({
  kind: z.literal("ImageStream"),
  metadata: z.looseObject({ name: z.string() }),
  spec: z
    .looseObject({
      tags: z.array(z.looseObject({ name: z.string(), from: ObjectReferenceSchema.optional() })).nullish(),
    })
    .optional(),
});

/** ImageStream spec tags by stream name, then tag name: where each tag comes from. */
export type ImageStreamTags = ReadonlyMap<string, ReadonlyMap<string, ObjectReference | undefined>>;

/** BuildConfigs and ImageStreams found in a set of documents (`kind: List` expanded; others ignored). */
export function readBuildObjects(documents: readonly unknown[]): {
  buildConfigs: BuildConfig[];
  streams: ImageStreamTags;
} {
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
  return { buildConfigs, streams };
}

function flatten(documents: readonly unknown[]): unknown[] {
  return documents.flatMap((doc) => {
    const list = z.looseObject({ kind: z.literal("List"), items: z.array(z.unknown()) }).safeParse(doc);
    return list.success ? flatten(list.data.items) : [doc];
  });
}

/** Splits `stream:tag`; undefined without a colon. */
export function splitTag(name: string): [stream: string, tag: string] | undefined {
  const colon = name.indexOf(":");
  return colon > 0 ? [name.slice(0, colon), name.slice(colon + 1)] : undefined;
}

/** The `stream:tag` a BuildConfig outputs to, when its output is an ImageStreamTag. */
export function outputTagOf(bc: BuildConfig): [stream: string, tag: string] | undefined {
  const target = bc.spec.output?.to;
  return target?.kind === "ImageStreamTag" ? splitTag(target.name) : undefined;
}

/** JSON with object keys sorted: equal values give equal strings. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => compareNames(a, b)),
        )
      : v,
  );
}

/**
 * A `[{name, value}]` list as a map (the last value of a repeated name wins, as with repeated
 * `--build-arg`). Entries using `valueFrom` are left out and noted. Undefined when empty.
 */
export function nameValueMap(
  list: readonly NameValue[] | null | undefined,
  notes: string[],
  where: string,
): Record<string, string> | undefined {
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
