/** Builders of PayloadBuilds, build requests and ImageStreams for the build backend tests. */
import { PayloadBuildSpecSchema, type PayloadBuildSpecInput } from "../../../src/api/index.js";
import type { BuildRequest, PayloadBuildRef } from "../../../src/builds/build-backend.js";
import type { ImageStream } from "../../../src/builds/image-stream-schema.js";
import { resolveComponent, type ResolvedComponent } from "../../../src/payload-build/resolve-component.js";

type ComponentInput = PayloadBuildSpecInput["components"][number];

/** A digest made of one repeated hex character: `sha256:aaaa...`. */
export const digest = (c: string): string => `sha256:${c.repeat(64)}`;

/** The registry repository of the test ImageStream. */
export const REPOSITORY = "image-registry.openshift-image-registry.svc:5000/okd/release";

/** A PayloadBuild named `name` in namespace `okd` (uid `uid-1`) with these components. */
export function payloadBuild(
  components: ComponentInput[],
  extra: Partial<Omit<PayloadBuildSpecInput, "components">> = {},
  name = "okd-4-17",
): PayloadBuildRef {
  return {
    metadata: { name, namespace: "okd", uid: "uid-1", generation: 1 },
    spec: PayloadBuildSpecSchema.parse({ imageStream: "release", components, ...extra }),
  };
}

/** The resolved component `name` of `payload`. */
export function component(payload: PayloadBuildRef, name: string): ResolvedComponent {
  const index = payload.spec.components.findIndex((c) => c.name === name);
  if (index < 0) throw new Error(`no component ${name}`);
  return resolveComponent(payload.spec, index);
}

/** A request for attempt `attempt` of component `name`. */
export function request(
  payload: PayloadBuildRef,
  name: string,
  overrides: Partial<BuildRequest> = {},
): BuildRequest {
  return {
    payloadBuild: payload,
    component: component(payload, name),
    attempt: 1,
    inputHash: digest("f"),
    dependencyImages: {},
    imageStreamRepository: REPOSITORY,
    ...overrides,
  };
}

/** An ImageStream `release` with the given spec and status tags. */
export function imageStream(
  options: {
    specTags?: NonNullable<NonNullable<ImageStream["spec"]>["tags"]>;
    statusTags?: NonNullable<NonNullable<ImageStream["status"]>["tags"]>;
    publicRepository?: string;
    repository?: string | null;
  } = {},
): ImageStream {
  return {
    apiVersion: "image.openshift.io/v1",
    kind: "ImageStream",
    metadata: { name: "release", namespace: "okd" },
    spec: { tags: options.specTags ?? [] },
    status: {
      ...(options.repository === null ? {} : { dockerImageRepository: options.repository ?? REPOSITORY }),
      ...(options.publicRepository === undefined
        ? {}
        : { publicDockerImageRepository: options.publicRepository }),
      tags: options.statusTags ?? [],
    },
  };
}

/** A status tag whose newest item is `image` at `generation`. */
export function landedTag(
  tag: string,
  image: string,
  generation = 1,
): NonNullable<NonNullable<ImageStream["status"]>["tags"]>[number] {
  return {
    tag,
    items: [
      { image, generation, dockerImageReference: `${REPOSITORY}@${image}`, created: "2026-11-21T00:00:00Z" },
    ],
  };
}

/** A DNS-1123 subdomain of at most 63 characters (also a valid label value). */
export const DNS_LABEL_LIKE = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
