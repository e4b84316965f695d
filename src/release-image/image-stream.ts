/**
 * The `image.openshift.io/v1` ImageStream documents release assembly reads: an input stream (file or
 * live), an operator's `manifests/image-references`, and a release's `release-manifests/image-references`.
 */
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { ReleaseAssemblyError } from "./release-assembly-error.js";

const annotations = z.record(z.string(), z.string()).nullish();

/** A spec tag: a name and where it comes from. */
export const tagReferenceSchema = z.looseObject({
  name: z.string().min(1),
  annotations,
  from: z.looseObject({ kind: z.string(), name: z.string(), namespace: z.string().optional() }).nullish(),
  generation: z.number().int().nullish(),
  importPolicy: z.looseObject({}).nullish(),
  referencePolicy: z.looseObject({ type: z.string().optional() }).nullish(),
});

/** A status tag: its history (newest first) and import conditions. */
export const namedTagEventListSchema = z.looseObject({
  tag: z.string(),
  items: z
    .array(
      z.looseObject({
        image: z.string().optional(),
        dockerImageReference: z.string().optional(),
        generation: z.number().int().optional(),
        created: z.string().optional(),
      }),
    )
    .nullish(),
  conditions: z
    .array(z.looseObject({ type: z.string(), status: z.string(), message: z.string().optional() }))
    .nullish(),
});

/** An ImageStream, with only the fields release assembly reads typed (others kept). */
export const imageStreamSchema = z.looseObject({
  kind: z.literal("ImageStream", { error: 'kind must be "ImageStream"' }),
  apiVersion: z.literal("image.openshift.io/v1", { error: 'apiVersion must be "image.openshift.io/v1"' }),
  metadata: z
    .looseObject({
      name: z.string().optional(),
      namespace: z.string().optional(),
      creationTimestamp: z.string().nullish(),
      annotations,
    })
    .optional(),
  spec: z.looseObject({ tags: z.array(tagReferenceSchema).nullish() }).nullish(),
  status: z
    .looseObject({
      dockerImageRepository: z.string().optional(),
      publicDockerImageRepository: z.string().optional(),
      tags: z.array(namedTagEventListSchema).nullish(),
    })
    .nullish(),
});

/** A parsed ImageStream. */
export type ImageStream = z.infer<typeof imageStreamSchema>;
/** A parsed spec tag. */
export type TagReference = z.infer<typeof tagReferenceSchema>;

/**
 * Parses YAML or JSON text as an ImageStream. `what` names the document in errors
 * (e.g. `image-references of operator "machine-config-operator"`).
 */
export function parseImageStream(text: string, what: string): ImageStream {
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw new ReleaseAssemblyError(`${what} is not valid YAML or JSON: ${(error as Error).message}`);
  }
  const result = imageStreamSchema.safeParse(document);
  if (!result.success) {
    const problems = result.error.issues
      .slice(0, 3)
      .map((issue) => `${issue.path.join(".") || "(document)"}: ${issue.message}`)
      .join("; ");
    throw new ReleaseAssemblyError(`${what} is not an image.openshift.io/v1 ImageStream: ${problems}`);
  }
  return result.data;
}

/** One `DockerImage` spec tag of an operator's image-references: the tag name and its placeholder pullspec. */
export interface OperatorImageReference {
  readonly tag: string;
  readonly placeholder: string;
}

/**
 * The `DockerImage` tags of an operator's `manifests/image-references`, in file order, plus every tag
 * name it lists (of any kind: all of them keep their image in the payload when pruning).
 * Throws when a `DockerImage` tag has an empty `from.name`.
 */
export function operatorImageReferences(
  stream: ImageStream,
  operator: string,
): { readonly references: OperatorImageReference[]; readonly tagNames: string[] } {
  const references: OperatorImageReference[] = [];
  const tagNames: string[] = [];
  for (const tag of stream.spec?.tags ?? []) {
    tagNames.push(tag.name);
    if (tag.from?.kind !== "DockerImage") continue;
    if (tag.from.name === "") {
      throw new ReleaseAssemblyError(
        `operator "${operator}": image-references tag "${tag.name}" has an empty from.name (expected the placeholder pullspec used in its manifests)`,
      );
    }
    references.push({ tag: tag.name, placeholder: tag.from.name });
  }
  return { references, tagNames };
}
