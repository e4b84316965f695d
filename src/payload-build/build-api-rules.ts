/**
 * What openshift-apiserver would refuse in the Builds and ImageStream the operator writes for a
 * component, checked on the spec before anything is created (the rules of openshift-apiserver's
 * `pkg/build/apis/build/validation` and `pkg/image/apis/image/validation`, restated here): a refused
 * create would otherwise surface only as a WriteRefused status on every reconcile. Pure; every
 * message names the component (or the defaults entry) and says what to change.
 */
import { posix } from "node:path";
import type { ComponentInput, InputPath, PayloadBuildSpec } from "../api/index.js";
import { defaultInputApplies } from "./resolve-component.js";

/** A problem: field path and message. */
type Report = (path: string, message: string) => void;

/** `IsEnvVarName` of apimachinery: what OpenShift accepts as `dockerStrategy.env[].name`. */
export const ENV_VAR_NAME_PATTERN = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/** An ImageStream name as openshift-apiserver accepts it (one repository path component). */
export const IMAGE_STREAM_NAME_PATTERN = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

/** Go's `path.Clean` as far as these checks need it (`posix.normalize` without a trailing slash). */
function clean(p: string): string {
  const normalized = posix.normalize(p);
  return normalized.length > 1 && normalized.endsWith("/") ? normalized.slice(0, -1) : normalized;
}

/** Why `dockerfile` is not a relative path within the source (`validateRelativePath`), or undefined. */
export function dockerfileProblem(dockerfile: string): string | undefined {
  const cleaned = clean(dockerfile);
  if (cleaned.startsWith("/") || cleaned === ".." || cleaned.startsWith("../"))
    return `"${dockerfile}" must be a relative path within the build context (no leading / or ../)`;
  return undefined;
}

/** Why `contextDir` is refused (its cleaned form must not start with `..`), or undefined. */
export function contextDirProblem(contextDir: string): string | undefined {
  return clean(contextDir).startsWith("..")
    ? `"${contextDir}" must be a directory inside the repository (OpenShift refuses a context dir starting with ..)`
    : undefined;
}

/** Why a `paths[].destinationDir` is refused (absolute, or cleaned form starting with `..`), or undefined. */
export function destinationDirProblem(destinationDir: string): string | undefined {
  if (destinationDir.startsWith("/"))
    return `"${destinationDir}" must be relative to the repository root (the source directory), not absolute`;
  if (clean(destinationDir).startsWith(".."))
    return `"${destinationDir}" must stay inside the repository root: OpenShift refuses a destinationDir starting with ..`;
  return undefined;
}

/** Checks `spec.imageStream` the way openshift-apiserver checks an ImageStream name. */
export function checkImageStreamName(spec: PayloadBuildSpec, report: Report): void {
  if (!IMAGE_STREAM_NAME_PATTERN.test(spec.imageStream)) {
    report(
      "spec.imageStream",
      `"${spec.imageStream}" is not a valid ImageStream name: lowercase alphanumerics separated by single '.', '_' or '-' (e.g. release); openshift-apiserver would refuse to create it`,
    );
  }
}

/** Checks one input (own or default): an image source needs `paths` or `as`, and valid paths. */
export function checkInput(input: ComponentInput, path: string, owner: string, report: Report): void {
  const paths = input.paths ?? [];
  const as = input.as ?? [];
  if (paths.length === 0 && as.length === 0) {
    report(
      path,
      `${owner}: input ${input.from} neither replaces a Dockerfile image (as) nor copies files (paths); OpenShift refuses an image source with neither ("must specify 'paths' or 'as'"): add one, or remove the input (use dependsOn for an ordering-only dependency)`,
    );
  }
  paths.forEach((p: InputPath, k) => {
    if (!p.sourcePath.startsWith("/")) {
      report(
        `${path}.paths[${k}].sourcePath`,
        `${owner}: "${p.sourcePath}" must be an absolute path inside the input image`,
      );
    }
    const why = destinationDirProblem(p.destinationDir);
    if (why !== undefined) report(`${path}.paths[${k}].destinationDir`, `${owner}: ${why}`);
  });
}

/**
 * Checks the build fields of the built component at `spec.components[index]`: env names, the
 * Dockerfile path, the context dir, and that no Dockerfile image is replaced twice once the
 * default inputs are added (OpenShift refuses a name appearing twice across `source.images[].as`).
 */
export function checkBuiltComponent(spec: PayloadBuildSpec, index: number, report: Report): void {
  const component = spec.components[index];
  if (component === undefined || component.image !== undefined) return;
  const base = `spec.components[${index}]`;
  const owner = `component ${component.name}`;
  for (const name of Object.keys(component.env ?? {})) {
    if (!ENV_VAR_NAME_PATTERN.test(name)) {
      report(
        `${base}.env.${name}`,
        `${owner}: "${name}" is not a valid environment variable name (letters, digits, '_', '-' or '.', not starting with a digit)`,
      );
    }
  }
  if (component.dockerfile !== undefined) {
    const why = dockerfileProblem(component.dockerfile);
    if (why !== undefined) report(`${base}.dockerfile`, `${owner}: ${why}`);
  }
  const contextDir = component.source?.contextDir;
  if (contextDir !== undefined) {
    const why = contextDirProblem(contextDir);
    if (why !== undefined) report(`${base}.source.contextDir`, `${owner}: ${why}`);
  }
  const replacedBy = new Map<string, string>();
  const inputs: { readonly input: ComponentInput; readonly path: string }[] = [
    ...(component.inputs ?? []).map((input, j) => ({ input, path: `${base}.inputs[${j}]` })),
    ...(spec.defaults?.inputs ?? []).flatMap((input, j) =>
      defaultInputApplies(component, input) ? [{ input, path: `spec.defaults.inputs[${j}]` }] : [],
    ),
  ];
  for (const { input, path } of inputs) {
    for (const name of input.as ?? []) {
      const first = replacedBy.get(name);
      if (first === undefined) {
        replacedBy.set(name, path);
        continue;
      }
      const viaDefaults = path.startsWith("spec.defaults")
        ? ` (add skipDefaultInputs: [${input.from}] to ${component.name} to use only its own input)`
        : "";
      report(
        `${base}.inputs`,
        `${owner}: Dockerfile image ${name} is replaced by both ${first} and ${path}; OpenShift refuses a name appearing twice in source.images[].as${viaDefaults}`,
      );
    }
  }
}

/** Checks the defaults' env names (they are merged into every built component's env). */
export function checkDefaultEnv(spec: PayloadBuildSpec, report: Report): void {
  for (const name of Object.keys(spec.defaults?.env ?? {})) {
    if (!ENV_VAR_NAME_PATTERN.test(name)) {
      report(
        `spec.defaults.env.${name}`,
        `"${name}" is not a valid environment variable name (letters, digits, '_', '-' or '.', not starting with a digit)`,
      );
    }
  }
}
