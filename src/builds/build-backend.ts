/**
 * The one interface every build backend implements (openshift, shipwright, prebuilt). Backends are
 * pure: they say which objects to create for an attempt and read an attempt's state from observed
 * objects; the PayloadBuild reconciler does all the I/O.
 */
import type { BuildBackend as BuildBackendNameOfApi, ObjectMeta, PayloadBuildSpec } from "../api/index.js";
import type { KubeObject } from "../kube/kube-object.js";
import type { ResourceDescriptor } from "../kube/resource.js";
import type { ResolvedComponent } from "../payload-build/resolve-component.js";
import type { ImageStream } from "./image-stream-schema.js";

/** `"openshift" | "shipwright" | "prebuilt"` (the values of `spec.backend`). */
export type BuildBackendName = BuildBackendNameOfApi;

/** A JSON value (what backend identity settings are made of). */
export type JsonValue =
  string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** The PayloadBuild an attempt belongs to: `metadata.name`, `namespace` and `uid` must be set. */
export interface PayloadBuildRef {
  readonly metadata: ObjectMeta;
  readonly spec: PayloadBuildSpec;
}

/** Operator-wide backend settings (from the operator's configuration, not from the PayloadBuild). */
export interface BuildBackendSettings {
  /** Secret the builds push with: Build `spec.output.pushSecret`, BuildRun `spec.output.pushSecret`. */
  readonly pushSecret?: string;
  /** Service account OpenShift Builds run as (Build `spec.serviceAccount`; OpenShift's `builder` when unset). */
  readonly serviceAccount?: string;
  /**
   * Service account Shipwright BuildRuns run as (BuildRun `spec.serviceAccount`); Shipwright's
   * `pipeline`, else `default`, when unset. Its own setting: the account that may push to the
   * integrated registry and run the strategy is rarely OpenShift's `builder`.
   */
  readonly shipwrightServiceAccount?: string;
  /**
   * Shipwright build strategy; {@link OKD_PAYLOAD_STRATEGY} (`deploy/shipwright/okd-payload-buildah.yaml`)
   * when unset. It must declare every parameter the backend sends (see `SHIPWRIGHT_PARAMS`).
   */
  readonly shipwrightStrategy?: ShipwrightStrategyRef;
  /** The strategy step whose resources a component's `resources` override (`stepResources`); default `build-and-push`. */
  readonly shipwrightBuildStep?: string;
  /** Shipwright BuildRun `spec.build.spec.timeout`, e.g. `"1h"`. */
  readonly shipwrightTimeout?: string;
}

/** A Shipwright build strategy, by kind and name. */
export interface ShipwrightStrategyRef {
  readonly kind: "ClusterBuildStrategy" | "BuildStrategy";
  readonly name: string;
}

/** The strategy the operator ships (`deploy/shipwright/okd-payload-buildah.yaml`), the default. */
export const OKD_PAYLOAD_STRATEGY: ShipwrightStrategyRef = {
  kind: "ClusterBuildStrategy",
  name: "okd-payload-buildah",
};

/** Where {@link OKD_PAYLOAD_STRATEGY} is defined in this repository (named in failure messages). */
export const OKD_PAYLOAD_STRATEGY_FILE = "deploy/shipwright/okd-payload-buildah.yaml";

/** Everything a backend needs to shape the objects of one attempt of one component. */
export interface BuildRequest {
  /** The owning PayloadBuild (owner reference, names, `spec.imageStream`, component names). */
  readonly payloadBuild: PayloadBuildRef;
  /** The component, with defaults applied (`resolveComponent`). */
  readonly component: ResolvedComponent;
  /** Attempt number, starting at 1. */
  readonly attempt: number;
  /** The component's input identity (`componentInputHash`), `sha256:<hex>`. */
  readonly inputHash: string;
  /**
   * Landed images of the component's dependencies: component name -> `pullspec@sha256:...`.
   * Every `from`/`inputs[].from` naming a component must be here (backends throw otherwise);
   * external pullspecs are used as written.
   */
  readonly dependencyImages: Readonly<Record<string, string>>;
  /**
   * The ImageStream's `status.dockerImageRepository` (e.g. `image-registry.svc:5000/ns/release`).
   * Required by shipwright (its BuildRun pushes to `<repository>:<component>`); others ignore it.
   */
  readonly imageStreamRepository?: string | undefined;
}

/** What the reconciler observed for one attempt of one component. */
export interface AttemptObservationInput {
  /** The owning PayloadBuild (only `metadata.name` and `spec.imageStream` are read). */
  readonly payloadBuild: PayloadBuildRef;
  /** The component. */
  readonly component: ResolvedComponent;
  /** Attempt number, starting at 1. */
  readonly attempt: number;
  /**
   * Observed child objects (any of the backend's `childResources`, e.g. everything the
   * PayloadBuild owns, or only this component's); the backend picks its own by kind and name.
   */
  readonly objects: readonly KubeObject[];
  /** The PayloadBuild's ImageStream, undefined when it does not exist (yet). */
  readonly imageStream: ImageStream | undefined;
}

/** Result of the §6 landed test for one ImageStream tag. */
export type LandedResult =
  | {
      readonly landed: true;
      /** `items[0].image`, `sha256:<hex>`. */
      readonly digest: string;
      /** `<repository>@<digest>` (public repository first, then internal, then the item's repository). */
      readonly pullspec: string;
    }
  | {
      readonly landed: false;
      /** Why not, for humans (names the tag and what is missing). */
      readonly reason: string;
      /** True when the ImageStream reports a failed import (`ImportSuccess=False`): a real failure. */
      readonly importFailed: boolean;
    };

/** Fields every observed (non-Missing) attempt carries. */
interface ObservedAttempt {
  /** Name of the Build / BuildRun (for prebuilt: the ImageStream tag `<stream>:<component>`). */
  readonly objectName: string;
  /** The input hash annotation of the observed object, if present. */
  readonly inputHash?: string | undefined;
  readonly startedAt?: string | undefined;
}

/**
 * The state of one attempt:
 * - `Missing`: no object for it yet; create `desiredObjects` (prebuilt: write `desiredTags`).
 * - `Pending` / `Running`: in progress.
 * - `Succeeded`: the build produced `digest`. The component has landed only when `landed.landed`
 *   (its ImageStream tag passes the landed test with that same digest); until then keep waiting
 *   (and write `desiredTags`, which shipwright needs to tag its output).
 * - `Failed`: the build failed, was cancelled or errored, or the image import failed.
 */
export type AttemptState =
  | { readonly phase: "Missing" }
  | (ObservedAttempt & { readonly phase: "Pending" | "Running"; readonly message?: string | undefined })
  | (ObservedAttempt & {
      readonly phase: "Succeeded";
      /** `sha256:<hex>` of the built (or imported) image. */
      readonly digest: string;
      /** `<repository>@<digest>` the builder pushed, when it says (BuildRun output, Build output). */
      readonly outputPullspec?: string | undefined;
      readonly completedAt?: string | undefined;
      readonly landed: LandedResult;
    })
  | (ObservedAttempt & {
      readonly phase: "Failed";
      /** Machine-readable reason (`DockerBuildFailed`, `BuildRunTimeout`, `ImportFailed` ...). */
      readonly reason: string;
      /** Human message. */
      readonly message: string;
      /** Last lines of the build log, when the backend reports them. */
      readonly logSnippet?: string | undefined;
      readonly completedAt?: string | undefined;
    });

/**
 * The shape of an ImageStream spec tag the operator writes: `DockerImage` for prebuilt, reused and
 * Shipwright-built components (an import), `ImageStreamImage` `<stream>@<digest>` for the record of
 * an image an OpenShift Build pushed into the stream itself (OpenShift resolves it in the write, no import).
 */
export interface DesiredSpecTag {
  readonly name: string;
  readonly from: { readonly kind: "DockerImage" | "ImageStreamImage"; readonly name: string };
  readonly importPolicy: Readonly<Record<string, never>>;
  readonly referencePolicy: { readonly type: "Local" };
  /** Annotations the spec tag must carry (merged over those it has), e.g. the component key. */
  readonly annotations?: Readonly<Record<string, string>>;
  /** Annotations the spec tag must not carry (removed when it has them), e.g. a stale `reused-from`. */
  readonly withoutAnnotations?: readonly string[];
}

/** A build backend. Every method is pure and deterministic. */
export interface BuildBackend {
  /** `openshift`, `shipwright` or `prebuilt`. */
  readonly name: BuildBackendName;
  /** Kinds it creates: the controller watches them (Owns) and RBAC is generated from them. */
  readonly childResources: readonly ResourceDescriptor[];
  /**
   * The backend part of every component's input identity (its name and the settings that change
   * the image, e.g. the Shipwright strategy; never secrets or service accounts).
   */
  readonly identity: JsonValue;
  /**
   * The objects to create for attempt `request.attempt` of a component: deterministic names from
   * (payload, component, attempt), a controller owner reference to the PayloadBuild, the labels
   * `payload.okd.io/{payload-build,component,attempt}` and the `payload.okd.io/input-hash`
   * annotation. Creating them is idempotent: AlreadyExists is success. Throws
   * `BuildBackendError` when the request cannot be honoured (a dependency image is missing,
   * shipwright without `imageStreamRepository`).
   */
  desiredObjects(request: BuildRequest): KubeObject[];
  /** The state of one attempt from the observed child objects and the ImageStream. */
  observeAttempt(observed: AttemptObservationInput): AttemptState;
  /**
   * The ImageStream spec tags the component needs given its attempt's state: prebuilt: its
   * pullspec (always); shipwright: the BuildRun's output `repo@digest` once `Succeeded`;
   * openshift: none (the Build pushes to the ImageStreamTag and the registry updates the status).
   * Merge them into the stream with `mergeSpecTags`.
   */
  desiredTags(component: ResolvedComponent, state: AttemptState): DesiredSpecTag[];
}

/** A request a backend cannot honour; the message names the component, field and what was expected. */
export class BuildBackendError extends Error {
  override readonly name = "BuildBackendError";
}
