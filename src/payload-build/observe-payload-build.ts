/**
 * Observe: everything one PayloadBuild reconcile decides from, read from the informer stores in
 * one go (the PayloadBuild, the children it controls, its ImageStream). No API calls: the stores
 * are eventually consistent, and every write the reconciler makes is idempotent or guarded by
 * a resourceVersion, so deciding from a slightly stale view is safe.
 */
import { PayloadBuildStatusSchema, type PayloadBuildStatus } from "../api/index.js";
import type { ImageStream } from "../builds/image-stream-schema.js";
import type { KubeObject } from "../kube/kube-object.js";
import type { ObjectKey } from "../kube/resource.js";
import { CONTROLLER_OWNER_UID_INDEX, type Store } from "../runtime/store.js";
import type { CreateExpectations } from "./create-expectations.js";
import type { PayloadBuildMemo } from "./payload-build-memo.js";

/** What one reconcile of a PayloadBuild sees. */
export interface PayloadBuildObservation {
  readonly key: ObjectKey;
  /** The PayloadBuild as stored (not yet validated); undefined when it is gone. */
  readonly payloadBuild: KubeObject | undefined;
  /** The stored status, when it parses (a foreign or corrupt status counts as none). */
  readonly status: PayloadBuildStatus | undefined;
  /** Objects whose controller owner reference is this PayloadBuild (Builds, BuildRuns, BuildConfigs). */
  readonly children: readonly KubeObject[];
  /** The ImageStream named by `spec.imageStream`, undefined when it does not exist (yet). */
  readonly imageStream: ImageStream | undefined;
  /** The name of that ImageStream, undefined when the spec does not name one. */
  readonly imageStreamName: string | undefined;
}

/** The stores an observation reads (the controller's informers). */
export interface PayloadBuildStores {
  readonly payloadBuilds: Store<KubeObject>;
  /** One store per child kind; each must have the controller-owner-uid index (every informer does). */
  readonly children: readonly Store<KubeObject>[];
  readonly imageStreams: Store<ImageStream>;
}

/** `spec.imageStream` of an unvalidated PayloadBuild, if it is a non-empty string. */
export function imageStreamNameOf(payloadBuild: KubeObject): string | undefined {
  const spec: unknown = payloadBuild["spec"];
  if (typeof spec !== "object" || spec === null) return undefined;
  const name: unknown = (spec as Record<string, unknown>)["imageStream"];
  return typeof name === "string" && name !== "" ? name : undefined;
}

/** Parses a stored status leniently: undefined when absent or not of our shape. */
export function parseStoredStatus(payloadBuild: KubeObject | undefined): PayloadBuildStatus | undefined {
  const status: unknown = payloadBuild?.["status"];
  if (status === undefined || status === null) return undefined;
  const parsed = PayloadBuildStatusSchema.safeParse(status);
  return parsed.success ? parsed.data : undefined;
}

/** What an observation may also use: the children created but not yet in the stores, a parse cache. */
export interface ObserveOptions {
  /** Children this controller created that the informers have not delivered yet (counted as existing). */
  readonly expectations?: CreateExpectations;
  /** The time, for expiring expectations (epoch ms). */
  readonly nowMs?: number;
  /** Caches the parsed status of an unchanged (frozen) PayloadBuild object. */
  readonly memo?: PayloadBuildMemo;
}

/**
 * Reads the PayloadBuild `key`, its controlled children and its ImageStream from the stores; with
 * `options.expectations`, children created by an earlier reconcile and not yet delivered by the
 * informer are added as they were returned by their create.
 */
export function observePayloadBuild(
  key: ObjectKey,
  stores: PayloadBuildStores,
  options: ObserveOptions = {},
): PayloadBuildObservation {
  const payloadBuild = stores.payloadBuilds.get(key);
  const uid = payloadBuild?.metadata.uid;
  const cached =
    uid === undefined ? [] : stores.children.flatMap((s) => s.byIndex(CONTROLLER_OWNER_UID_INDEX, uid));
  if (payloadBuild === undefined) {
    options.expectations?.forget(key);
    options.memo?.forget(key);
  }
  const expected =
    options.expectations === undefined || uid === undefined
      ? []
      : options.expectations
          .pending(key, cached, options.nowMs ?? 0)
          // Never children of an earlier PayloadBuild of the same name.
          .filter((c) => c.metadata.ownerReferences?.some((o) => o.controller === true && o.uid === uid));
  const children = expected.length === 0 ? cached : [...cached, ...expected];
  const imageStreamName = payloadBuild === undefined ? undefined : imageStreamNameOf(payloadBuild);
  const imageStream =
    imageStreamName === undefined || key.namespace === undefined
      ? undefined
      : stores.imageStreams.get({ namespace: key.namespace, name: imageStreamName });
  return {
    key,
    payloadBuild,
    status:
      options.memo === undefined || payloadBuild === undefined
        ? parseStoredStatus(payloadBuild)
        : options.memo.storedStatus(payloadBuild, parseStoredStatus),
    children,
    imageStream,
    imageStreamName,
  };
}
