/**
 * The content profile of the simulated build system: what each component's image contains
 * (operator or not, the tags its image-references names, its manifests), how long its build takes,
 * and what synthesized external base images hold. Components absent from the profile get defaults.
 */
import { readFile } from "node:fs/promises";
import { parse as parseYaml } from "yaml";
import { z } from "zod";

/** One manifest file shipped in an operator image's `manifests/` directory. */
export const manifestFileSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9._-]+$/, "a plain file name, no directories"),
  content: z.string(),
});

/** What the profile says about one component. */
export const componentProfileSchema = z.strictObject({
  /** An operator image: label `io.openshift.release.operator=true` and `manifests/`. */
  operator: z.boolean().optional(),
  /** Component tags its `manifests/image-references` names (itself is added when missing). */
  references: z.array(z.string().min(1)).optional(),
  /** Manifests written as given; when absent an operator gets a namespace and a deployment. */
  manifests: z.array(manifestFileSchema).optional(),
  /** Adds a CustomResourceDefinition of this kind to the generated manifests. */
  crdKind: z
    .string()
    .regex(/^[A-Z][A-Za-z0-9]*$/)
    .optional(),
  /** Value of the `io.openshift.build.versions` label, e.g. `kubernetes=1.30.4`. */
  versions: z.string().optional(),
  /** Extra files of the component's own layer: path -> content. */
  files: z.record(z.string(), z.string()).optional(),
  /** Extra image labels. */
  labels: z.record(z.string(), z.string()).optional(),
  /** Build duration before the speed factor is applied. */
  durationMs: z.number().int().nonnegative().optional(),
  /** The first N builds of the component fail. */
  failTimes: z.number().int().nonnegative().optional(),
});
/** The profile of one component. */
export type ComponentProfile = z.infer<typeof componentProfileSchema>;

/** A synthesized external image (no internet here): its files and labels. */
export const externalImageProfileSchema = z.strictObject({
  files: z.record(z.string(), z.string()).optional(),
  labels: z.record(z.string(), z.string()).optional(),
  /** Size of an incompressible filler file standing for the base OS (default 4096). */
  sizeBytes: z
    .number()
    .int()
    .nonnegative()
    .max(16 * 1024 * 1024)
    .optional(),
});
/** The profile of one external image. */
export type ExternalImageProfile = z.infer<typeof externalImageProfileSchema>;

/** The whole simulation profile (`config/samples/simulation.yaml`). */
export const simulationProfileSchema = z.strictObject({
  apiVersion: z.literal("payload.okd.io/v1alpha1").optional(),
  kind: z.literal("SimulationProfile").optional(),
  metadata: z.looseObject({ name: z.string().optional() }).optional(),
  defaults: z
    .strictObject({
      durationMs: z.number().int().nonnegative().optional(),
      /** Placeholder pullspecs in manifests are `<placeholderPrefix><tag>` (default `quay.io/openshift/origin-`). */
      placeholderPrefix: z.string().min(1).optional(),
    })
    .optional(),
  components: z.record(z.string(), componentProfileSchema).optional(),
  externalImages: z.record(z.string(), externalImageProfileSchema).optional(),
});
/** A parsed simulation profile. */
export type SimulationProfile = z.infer<typeof simulationProfileSchema>;

/** Default build duration (before the speed factor) of components the profile does not time. */
export const DEFAULT_DURATION_MS = 3000;
/** Default placeholder prefix of operator manifests. */
export const DEFAULT_PLACEHOLDER_PREFIX = "quay.io/openshift/origin-";

/** An empty profile: every component is a plain image with the default duration. */
export const EMPTY_PROFILE: SimulationProfile = {};

/** Parses a profile document; throws naming the field and what was expected. */
export function parseSimulationProfile(document: unknown, source = "simulation profile"): SimulationProfile {
  const parsed = simulationProfileSchema.safeParse(document ?? {});
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
  throw new Error(`${source}: invalid simulation profile:\n  ${problems.join("\n  ")}`);
}

/** Reads and parses a YAML profile file. */
export async function loadSimulationProfile(path: string): Promise<SimulationProfile> {
  const text = await readFile(path, "utf8");
  return parseSimulationProfile(parseYaml(text), path);
}

/** A component's profile with defaults filled in (unknown components are plain images). */
export interface ResolvedComponentProfile extends Omit<ComponentProfile, "references"> {
  readonly operator: boolean;
  readonly references: readonly string[];
  readonly durationMs: number;
  readonly placeholderPrefix: string;
}

/** The profile of `component`, defaults applied. Pure. */
export function componentProfileOf(profile: SimulationProfile, component: string): ResolvedComponentProfile {
  const own = profile.components?.[component] ?? {};
  const operator = own.operator ?? false;
  const references = own.references ?? [];
  return {
    ...own,
    operator,
    references: operator && !references.includes(component) ? [component, ...references] : references,
    durationMs: own.durationMs ?? profile.defaults?.durationMs ?? DEFAULT_DURATION_MS,
    placeholderPrefix: profile.defaults?.placeholderPrefix ?? DEFAULT_PLACEHOLDER_PREFIX,
  };
}
