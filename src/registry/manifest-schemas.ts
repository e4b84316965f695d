/**
 * Zod schemas of the documents read from image stores: image manifests, indexes and image configs
 * (OCI and Docker schema 2 share one shape). Unknown fields are kept, so a parsed document can be
 * changed and written back without losing anything.
 */
import { z } from "zod";
import type { Descriptor, Platform } from "./image-store.js";
import { isIndexMediaType } from "./media-types.js";

const digest = z.string().regex(/^sha256:[a-f0-9]{64}$|^sha512:[a-f0-9]{128}$/, "expected sha256:<64 hex>");

/** An image platform, as in an index entry. */
export const platformSchema = z.looseObject({
  architecture: z.string(),
  os: z.string(),
  variant: z.string().optional(),
  "os.version": z.string().optional(),
  "os.features": z.array(z.string()).optional(),
});

/** A content descriptor. */
export const descriptorSchema = z.looseObject({
  mediaType: z.string(),
  digest,
  size: z.number().int().nonnegative(),
  annotations: z.record(z.string(), z.string()).optional(),
  platform: platformSchema.optional(),
  urls: z.array(z.string()).optional(),
});

/** A single-platform image manifest (OCI image manifest or Docker schema 2 manifest). */
export const imageManifestSchema = z.looseObject({
  schemaVersion: z.literal(2),
  mediaType: z.string().optional(),
  artifactType: z.string().optional(),
  config: descriptorSchema,
  layers: z.array(descriptorSchema),
  subject: descriptorSchema.optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});

/** A multi-platform index (OCI image index or Docker manifest list). */
export const imageIndexSchema = z.looseObject({
  schemaVersion: z.literal(2),
  mediaType: z.string().optional(),
  manifests: z.array(descriptorSchema),
  annotations: z.record(z.string(), z.string()).optional(),
});

/** The container part of an image config (only the fields this project reads are typed). */
export const containerConfigSchema = z.looseObject({
  Labels: z.record(z.string(), z.string()).nullish(),
  Env: z.array(z.string()).nullish(),
  Entrypoint: z.array(z.string()).nullish(),
  Cmd: z.array(z.string()).nullish(),
  WorkingDir: z.string().optional(),
  User: z.string().optional(),
});

/** One history entry of an image config. */
export const historyEntrySchema = z.looseObject({
  created: z.string().optional(),
  created_by: z.string().optional(),
  author: z.string().optional(),
  comment: z.string().optional(),
  empty_layer: z.boolean().optional(),
});

/** An image config (OCI image config or Docker container image config). */
export const imageConfigSchema = z.looseObject({
  created: z.string().optional(),
  author: z.string().optional(),
  architecture: z.string(),
  os: z.string(),
  variant: z.string().optional(),
  config: containerConfigSchema.optional(),
  rootfs: z.looseObject({ type: z.literal("layers"), diff_ids: z.array(digest) }),
  history: z.array(historyEntrySchema).optional(),
});

export type DescriptorDocument = z.infer<typeof descriptorSchema>;
export type ImageManifest = z.infer<typeof imageManifestSchema>;
export type ImageIndex = z.infer<typeof imageIndexSchema>;
export type ImageConfig = z.infer<typeof imageConfigSchema>;

/**
 * A parsed descriptor as the {@link Descriptor} interface (absent optional fields left out, as
 * `exactOptionalPropertyTypes` wants; unknown fields dropped).
 */
export function toDescriptor(document: DescriptorDocument): Descriptor {
  const { mediaType, digest, size, annotations, platform } = document;
  let p: Platform | undefined;
  if (platform !== undefined) {
    const { architecture, os, variant } = platform;
    p = { architecture, os, ...(variant === undefined ? {} : { variant }) };
    if (platform["os.version"] !== undefined) p["os.version"] = platform["os.version"];
    if (platform["os.features"] !== undefined) p["os.features"] = platform["os.features"];
  }
  return {
    mediaType,
    digest,
    size,
    ...(annotations === undefined ? {} : { annotations }),
    ...(p === undefined ? {} : { platform: p }),
  };
}

/** A manifest parsed by kind: an image manifest or an index. */
export type ParsedManifest =
  { kind: "image"; manifest: ImageManifest } | { kind: "index"; index: ImageIndex };

/**
 * Parses manifest bytes as the kind its media type (or, when that is missing, its shape) says.
 * Throws an Error naming `what` and the first problems found.
 */
export function parseManifest(bytes: Uint8Array, mediaType: string, what = "manifest"): ParsedManifest {
  const json = parseJson(bytes, what);
  const declared =
    typeof json === "object" && json !== null && "mediaType" in json ? json.mediaType : undefined;
  const type = typeof declared === "string" && declared !== "" ? declared : mediaType;
  const looksLikeIndex = typeof json === "object" && json !== null && "manifests" in json;
  if (isIndexMediaType(type) || (type === "" && looksLikeIndex)) {
    return { kind: "index", index: parseWithSchema(imageIndexSchema, json, what) };
  }
  return { kind: "image", manifest: parseWithSchema(imageManifestSchema, json, what) };
}

/** Parses image config bytes; throws an Error naming `what` on a bad document. */
export function parseImageConfig(bytes: Uint8Array, what = "image config"): ImageConfig {
  return parseWithSchema(imageConfigSchema, parseJson(bytes, what), what);
}

/** The media type a manifest's bytes declare (its `mediaType` field), or `undefined`. */
export function declaredMediaType(bytes: Uint8Array): string | undefined {
  try {
    const json: unknown = JSON.parse(new TextDecoder().decode(bytes));
    if (
      typeof json === "object" &&
      json !== null &&
      "mediaType" in json &&
      typeof json.mediaType === "string"
    ) {
      return json.mediaType;
    }
  } catch {
    // not JSON: no declared type
  }
  return undefined;
}

function parseJson(bytes: Uint8Array, what: string): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new Error(`${what} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
}

function parseWithSchema<S extends z.ZodType>(schema: S, json: unknown, what: string): z.output<S> {
  const result = schema.safeParse(json);
  if (result.success) return result.data;
  const problems = result.error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`)
    .join("; ");
  throw new Error(`${what} is malformed: ${problems}`);
}
