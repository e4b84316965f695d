/** Builders of PayloadBuild specs for tests. */
import {
  PayloadBuildSpecSchema,
  type PayloadBuildSpec,
  type PayloadBuildSpecInput,
} from "../../../src/api/index.js";

type ComponentInput = PayloadBuildSpecInput["components"][number];

/** A built component from git, depending on `from` (a component or pullspec). */
export function built(name: string, extra: Partial<ComponentInput> = {}): ComponentInput {
  return { name, source: { git: { uri: `https://github.com/openshift/${name}` } }, ...extra };
}

/** Parses a spec with defaults applied; throws with the problems when the schema rejects it. */
export function spec(
  input: Omit<PayloadBuildSpecInput, "imageStream"> & { imageStream?: string },
): PayloadBuildSpec {
  return PayloadBuildSpecSchema.parse({ imageStream: "release", ...input });
}
