/**
 * A component's input identity: a SHA-256 over a canonical JSON document of everything that
 * determines its image (source, Dockerfile, build args, env, base and input images with
 * dependencies pinned by digest, the backend and its image-relevant settings). Same identity,
 * same image: a component whose identity did not change keeps its build and its image.
 */
import { createHash } from "node:crypto";
import type { JsonValue } from "../builds/build-backend.js";
import type { ResolvedComponent } from "./resolve-component.js";

/** Version of the identity document; bump it when the document's meaning changes. */
export const INPUT_IDENTITY_VERSION = 1;

/** An identity that cannot be computed (a dependency has no landed digest yet). */
export class InputIdentityError extends Error {
  override readonly name = "InputIdentityError";
}

/** Options of {@link componentInputHash}. */
export interface InputIdentityOptions {
  /**
   * Every component name of the payload. When given, a `from`/`inputs[].from` naming one of them
   * that is missing from `dependencyDigests` throws instead of being taken as an external pullspec.
   */
  readonly componentNames?: ReadonlySet<string>;
}

/**
 * The identity document of `component` (what {@link componentInputHash} hashes), for display and
 * for diffing two identities. References to dependencies (keys of `dependencyDigests`, whose
 * values are `sha256:...` digests or `pullspec@sha256:...`) become `{digest}`, so only the
 * dependency's image content counts, not its name or the registry it is served from; other
 * references become `{image}` as written. Resources, `dependsOn`, the component's own name and
 * its position in the spec are not part of it.
 */
export function componentInputDocument(
  component: ResolvedComponent,
  backend: JsonValue,
  dependencyDigests: Readonly<Record<string, string>>,
  options: InputIdentityOptions = {},
): JsonValue {
  const reference = (ref: string, field: string): JsonValue => {
    const pinned = Object.hasOwn(dependencyDigests, ref) ? dependencyDigests[ref] : undefined;
    if (pinned !== undefined) return { digest: digestPart(pinned) };
    if (options.componentNames?.has(ref) === true) {
      throw new InputIdentityError(
        `component ${component.name}: ${field} names component ${ref}, which has no landed digest yet; its input identity is known only once ${ref} has landed`,
      );
    }
    return { image: ref };
  };
  const spec = component.spec;
  const document: Record<string, JsonValue> = {
    version: INPUT_IDENTITY_VERSION,
    backend,
  };
  if (component.prebuilt) {
    document["image"] = spec.image ?? null;
    return document;
  }
  document["source"] = {
    git:
      spec.source?.git === undefined ? null : { uri: spec.source.git.uri, ref: spec.source.git.ref ?? null },
    contextDir: spec.source?.contextDir ?? null,
  };
  // Only when set, so payloads without spec.architectures keep their identities.
  if (component.architecture !== undefined) document["architecture"] = component.architecture;
  document["dockerfile"] = spec.dockerfile ?? null;
  document["buildArgs"] = { ...component.buildArgs };
  document["env"] = { ...component.env };
  document["from"] =
    spec.from === undefined ? null : reference(spec.from, `spec.components[${component.specIndex}].from`);
  document["inputs"] = component.inputs.map((input) => ({
    from: reference(input.from, `${input.path}.from`),
    as: [...(input.as ?? [])],
    paths: (input.paths ?? []).map((p) => ({ sourcePath: p.sourcePath, destinationDir: p.destinationDir })),
  }));
  return document;
}

/**
 * `sha256:<hex>` over the canonical JSON (keys sorted at every level) of
 * {@link componentInputDocument}: stable under key reordering, changed by any field that
 * determines the image or any dependency digest, unchanged by resources. Throws
 * `InputIdentityError` as described in {@link InputIdentityOptions}.
 */
export function componentInputHash(
  component: ResolvedComponent,
  backend: JsonValue,
  dependencyDigests: Readonly<Record<string, string>>,
  options: InputIdentityOptions = {},
): string {
  const document = componentInputDocument(component, backend, dependencyDigests, options);
  return `sha256:${createHash("sha256").update(canonicalJson(document)).digest("hex")}`;
}

/** JSON with object keys sorted at every level (arrays keep their order); `undefined` members dropped. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const record = value as Record<string, unknown>;
    const members = Object.keys(record)
      .filter((key) => record[key] !== undefined)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`);
    return `{${members.join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

function digestPart(reference: string): string {
  const at = reference.lastIndexOf("@");
  return at < 0 ? reference : reference.slice(at + 1);
}
