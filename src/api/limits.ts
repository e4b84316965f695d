/**
 * Size limits of the PayloadBuild spec, enforced twice from the same schema: by zod (payloadctl
 * validate, the operator) and by the API server at admission (`maxLength`, `maxItems`,
 * `maxProperties` in the generated CRD). They keep a PayloadBuild and the status the operator
 * writes for it well under etcd's object limit (about 1.5 MiB), so a huge spec is refused at
 * `kubectl apply` with a field path instead of leaving the operator a status it cannot store.
 */
import { z } from "zod";

/**
 * Most components of one PayloadBuild. A component's status entry takes about 400 bytes (more
 * with a message), so 2,000 of them stay under 1 MiB; OKD's payload has about 200.
 */
export const MAX_COMPONENTS = 2000;
/** Most entries of a list inside a component (inputs, paths, `as`, skipDefaultInputs). */
export const MAX_LIST_ITEMS = 64;
/** Most `dependsOn` entries of one component. */
export const MAX_DEPENDS_ON = 500;
/** Most `release.previous` entries. */
export const MAX_PREVIOUS_RELEASES = 1000;
/** Most entries of a string map (buildArgs, env, metadata). */
export const MAX_MAP_ENTRIES = 256;
/** Longest image pullspec or image name (registry host, repository, tag and digest fit easily). */
export const MAX_PULLSPEC_LENGTH = 1024;
/** Longest path inside an image or a repository (contextDir, dockerfile, sourcePath, destinationDir). */
export const MAX_PATH_LENGTH = 1024;
/** Longest git repository URL. */
export const MAX_URI_LENGTH = 2048;
/** Longest git ref (branch, tag or commit). */
export const MAX_REF_LENGTH = 256;
/** Longest value in a string map (a build argument, an environment variable, release metadata). */
export const MAX_MAP_VALUE_LENGTH = 4096;
/** Longest release name (release.previous entries). */
export const MAX_RELEASE_NAME_LENGTH = 128;

/** A non-empty string of at most `max` characters. */
export const boundedString = (max: number) => z.string().min(1).max(max, `must be at most ${max} characters`);

/**
 * A string-to-string map of at most {@link MAX_MAP_ENTRIES} entries, each value at most
 * {@link MAX_MAP_VALUE_LENGTH} characters (`maxProperties` and `maxLength` in the CRD).
 */
export const boundedStringMap = (description: string) =>
  z
    .record(
      z.string(),
      z.string().max(MAX_MAP_VALUE_LENGTH, `must be at most ${MAX_MAP_VALUE_LENGTH} characters`),
    )
    .refine((map) => Object.keys(map).length <= MAX_MAP_ENTRIES, {
      message: `must have at most ${MAX_MAP_ENTRIES} entries`,
    })
    .meta({ maxProperties: MAX_MAP_ENTRIES })
    .describe(description);
