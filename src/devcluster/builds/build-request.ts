/**
 * Pure: turns a Build or a BuildRun into the normalized {@link BuildRequest} the producer runs,
 * plus the ImageStream tag to record the push on (when the output is in the integrated registry).
 * Errors name the field and what was expected.
 */
import { createHash } from "node:crypto";
import { parseDockerReference } from "../../registry/image-reference.js";
import { ARCH_NODE_LABEL, type BuildImageRef, type BuildRequest } from "./produce-image.js";
import type {
  BuildObject,
  BuildRunObject,
  NameValue,
  ObjectReference,
  ParamValue,
} from "./upstream-objects.js";

/** Label naming the component a build is for (else the output tag is used). */
export const COMPONENT_LABEL = "payload.okd.io/component";
/** Our label naming the component a per-architecture build builds (its sources' name for it). */
export const BUILT_COMPONENT_LABEL = "payload.okd.io/built-component";

/** Where the pushed image is recorded: an ImageStream status tag. */
export interface ImageStreamTarget {
  readonly namespace: string;
  readonly name: string;
  readonly tag: string;
}

/** A request ready to run, or why it cannot run. */
export type BuildTarget =
  | {
      readonly ok: true;
      readonly request: BuildRequest;
      readonly imageStream?: ImageStreamTarget | undefined;
    }
  | { readonly ok: false; readonly reason: string; readonly message: string };

function records(list: readonly NameValue[] | null | undefined): Record<string, string> {
  return Object.fromEntries((list ?? []).map((e) => [e.name, e.value ?? ""]));
}

/** Splits `is:tag` (tag defaults to `latest`). */
export function splitStreamTag(name: string): { stream: string; tag: string } | undefined {
  const colon = name.lastIndexOf(":");
  const stream = colon < 0 ? name : name.slice(0, colon);
  const tag = colon < 0 ? "latest" : name.slice(colon + 1);
  return stream === "" || tag === "" ? undefined : { stream, tag };
}

/** Maps a `from`-style object reference; throws an Error naming `field`. */
export function imageRefOf(
  ref: ObjectReference,
  namespace: string,
  registryHost: string,
  field: string,
): BuildImageRef {
  const name = ref.name ?? "";
  if (name === "")
    throw new Error(`${field}.name is empty (expected a pullspec or an ImageStreamTag is:tag)`);
  switch (ref.kind ?? "DockerImage") {
    case "DockerImage":
      return { kind: "DockerImage", pullspec: name };
    case "ImageStreamTag": {
      const split = splitStreamTag(name);
      if (split === undefined)
        throw new Error(`${field}.name "${name}" is not an ImageStreamTag name <stream>:<tag>`);
      return { kind: "ImageStreamTag", namespace: ref.namespace ?? namespace, ...split };
    }
    case "ImageStreamImage": {
      const at = name.indexOf("@");
      if (at <= 0)
        throw new Error(`${field}.name "${name}" is not an ImageStreamImage name <stream>@sha256:<hex>`);
      return {
        kind: "DockerImage",
        pullspec: `${registryHost}/${ref.namespace ?? namespace}/${name.slice(0, at)}${name.slice(at)}`,
      };
    }
    default:
      throw new Error(
        `${field}.kind "${ref.kind ?? ""}" is not supported (expected DockerImage, ImageStreamTag or ImageStreamImage)`,
      );
  }
}

/** The ImageStream a push to `repository:tag` lands in: integrated registry, `<ns>/<stream>` paths only. */
export function imageStreamOfRepository(
  repository: string,
  tag: string,
  registryHost: string,
): ImageStreamTarget | undefined {
  const prefix = `${registryHost}/`;
  if (!repository.startsWith(prefix)) return undefined;
  const parts = repository.slice(prefix.length).split("/");
  const [namespace, name] = parts;
  return parts.length === 2 && namespace !== undefined && name !== undefined
    ? { namespace, name, tag }
    : undefined;
}

function pullspecTarget(pullspec: string, field: string): { repository: string; tag: string } {
  const ref = parseDockerReference(pullspec);
  if (ref.digest !== undefined)
    throw new Error(`${field} "${pullspec}" names a digest; expected a repository and tag to push to`);
  return { repository: `${ref.registry}/${ref.repository}`, tag: ref.tag ?? "latest" };
}

/**
 * The ImageStream tag a Build's `spec.output.to` names, for kinds `ImageStreamTag` (`<stream>:<tag>`)
 * and `ImageStream` (tag `latest`), in the build's namespace unless `to.namespace` says otherwise.
 * Undefined for `DockerImage` outputs and unparseable names. Pure.
 */
export function outputImageStreamOf(build: BuildObject): ImageStreamTarget | undefined {
  const to = build.spec?.output?.to;
  const name = to?.name ?? "";
  const namespace = to?.namespace ?? build.metadata.namespace ?? "default";
  switch (to?.kind ?? "ImageStreamTag") {
    case "ImageStreamTag": {
      const split = splitStreamTag(name);
      return split === undefined || !name.includes(":")
        ? undefined
        : { namespace, name: split.stream, tag: split.tag };
    }
    case "ImageStream":
      return name === "" ? undefined : { namespace, name, tag: "latest" };
    default:
      return undefined;
  }
}

type Output = { readonly repository: string; readonly tag: string };

/**
 * Where a Build pushes: `status.outputDockerImageReference` once the build controller resolved it
 * (at New -> Pending, from the output stream's `status.dockerImageRepository`), else the output as the
 * spec names it (an ImageStreamTag taken to be in the integrated registry).
 */
function buildOutputOf(build: BuildObject, registryHost: string): Output | { readonly error: string } {
  const resolved = build.status?.outputDockerImageReference ?? "";
  if (resolved !== "") return pullspecTarget(resolved, "status.outputDockerImageReference");
  const to = build.spec?.output?.to;
  if (to === undefined || to === null || (to.name ?? "") === "")
    return { error: "spec.output.to is not set: the build has nowhere to push its image" };
  if (to.kind === "DockerImage") return pullspecTarget(to.name ?? "", "spec.output.to.name");
  const stream = outputImageStreamOf(build);
  if (stream !== undefined)
    return { repository: `${registryHost}/${stream.namespace}/${stream.name}`, tag: stream.tag };
  return (to.kind ?? "ImageStreamTag") === "ImageStreamTag"
    ? { error: `spec.output.to.name "${to.name ?? ""}" is not <stream>:<tag>` }
    : {
        error: `spec.output.to.kind "${to.kind ?? ""}" is not supported (expected ImageStreamTag, ImageStream or DockerImage)`,
      };
}

/** The request of an OpenShift Build (Docker strategy). */
export function buildRequestOfBuild(build: BuildObject, registryHost: string): BuildTarget {
  const namespace = build.metadata.namespace ?? "default";
  const spec = build.spec ?? {};
  const docker = spec.strategy?.dockerStrategy;
  try {
    const output = buildOutputOf(build, registryHost);
    if ("error" in output) return { ok: false, reason: "InvalidOutputReference", message: output.error };
    const imageStream = imageStreamOfRepository(output.repository, output.tag, registryHost);
    const inline = spec.source?.dockerfile;
    const request: BuildRequest = {
      component:
        build.metadata.labels?.[BUILT_COMPONENT_LABEL] ??
        build.metadata.labels?.[COMPONENT_LABEL] ??
        output.tag,
      namespace,
      uri: spec.source?.git?.uri ?? undefined,
      ref: spec.source?.git?.ref ?? undefined,
      commit: spec.revision?.git?.commit ?? undefined,
      contextDir: spec.source?.contextDir ?? undefined,
      dockerfile:
        docker?.dockerfilePath ??
        (inline === undefined || inline === null
          ? undefined
          : `inline:${createHash("sha256").update(inline).digest("hex")}`),
      buildArgs: records(docker?.buildArgs),
      env: records(docker?.env),
      imageLabels: records(spec.output?.imageLabels),
      from:
        docker?.from === undefined || docker.from === null
          ? undefined
          : imageRefOf(docker.from, namespace, registryHost, "spec.strategy.dockerStrategy.from"),
      inputs: (spec.source?.images ?? []).map((image, i) => {
        if (image.from === undefined || image.from === null)
          throw new Error(`spec.source.images[${i}].from is not set`);
        return imageRefOf(image.from, namespace, registryHost, `spec.source.images[${i}].from`);
      }),
      output,
      architecture: spec.nodeSelector?.[ARCH_NODE_LABEL] ?? undefined,
    };
    return { ok: true, request, imageStream };
  } catch (e) {
    return {
      ok: false,
      reason: "InvalidImageReference",
      message: e instanceof Error ? e.message : String(e),
    };
  }
}

function paramOf(params: readonly ParamValue[], ...names: string[]): ParamValue | undefined {
  return params.find((p) => names.includes(p.name));
}

function listParam(param: ParamValue | undefined): string[] {
  if (param === undefined) return [];
  if (param.values !== undefined && param.values !== null)
    return param.values.map((v) => v.value ?? "").filter((v) => v !== "");
  return param.value === undefined || param.value === null || param.value === "" ? [] : [param.value];
}

/**
 * The request of a Shipwright BuildRun with an embedded build spec. Besides `source.git` and
 * `output.image` (the BuildRun's `spec.output` overrides the build spec's, as Shipwright does), it
 * reads these `paramValues` (the BuildRun's override the build spec's): `dockerfile`, `from` (base
 * image pullspec), `inputs` (input image pullspecs, `values`) and `build-args` (`KEY=VALUE` `values`).
 */
export function buildRequestOfBuildRun(run: BuildRunObject, registryHost: string): BuildTarget {
  const namespace = run.metadata.namespace ?? "default";
  const spec = run.spec?.build?.spec;
  if (spec === undefined || spec === null) {
    const name = run.spec?.build?.name ?? "";
    return name === ""
      ? {
          ok: false,
          reason: "BuildRunNoRefOrSpec",
          message: "no build specified: set spec.build.spec (an embedded build) or spec.build.name",
        }
      : {
          ok: false,
          reason: "BuildNotFound",
          message: `spec.build.name "${name}" refers to a Build object; only BuildRuns with an embedded spec.build.spec are simulated`,
        };
  }
  const image = run.spec?.output?.image ?? spec.output?.image ?? "";
  if (image === "")
    return {
      ok: false,
      reason: "InvalidOutputReference",
      message: "neither spec.output.image nor spec.build.spec.output.image is set",
    };
  try {
    const output = pullspecTarget(
      image,
      run.spec?.output?.image ? "spec.output.image" : "spec.build.spec.output.image",
    );
    const params = [...(run.spec?.paramValues ?? []), ...(spec.paramValues ?? [])];
    const from = listParam(paramOf(params, "from", "base-image"))[0];
    const buildArgs = Object.fromEntries(
      listParam(paramOf(params, "build-args")).map((kv) => {
        const eq = kv.indexOf("=");
        return eq < 0 ? [kv, ""] : [kv.slice(0, eq), kv.slice(eq + 1)];
      }),
    );
    const request: BuildRequest = {
      component:
        run.metadata.labels?.[BUILT_COMPONENT_LABEL] ?? run.metadata.labels?.[COMPONENT_LABEL] ?? output.tag,
      namespace,
      uri: spec.source?.git?.url ?? undefined,
      ref: spec.source?.git?.revision ?? undefined,
      contextDir: spec.source?.contextDir ?? undefined,
      dockerfile: listParam(paramOf(params, "dockerfile"))[0],
      buildArgs,
      env: { ...records(spec.env), ...records(run.spec?.env) },
      imageLabels: { ...spec.output?.labels, ...run.spec?.output?.labels },
      from: from === undefined ? undefined : { kind: "DockerImage", pullspec: from },
      inputs: listParam(paramOf(params, "inputs", "input-images")).map((pullspec) => ({
        kind: "DockerImage",
        pullspec,
      })),
      output,
      architecture:
        run.spec?.nodeSelector?.[ARCH_NODE_LABEL] ?? spec.nodeSelector?.[ARCH_NODE_LABEL] ?? undefined,
    };
    return {
      ok: true,
      request,
      imageStream: imageStreamOfRepository(output.repository, output.tag, registryHost),
    };
  } catch (e) {
    return {
      ok: false,
      reason: "InvalidImageReference",
      message: e instanceof Error ? e.message : String(e),
    };
  }
}
