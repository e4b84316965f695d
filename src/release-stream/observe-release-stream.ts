/**
 * Observe: everything one ReleaseStream reconcile decides from, read from the informer stores (the
 * stream, its input and target ImageStreams, the pinned ImageStreams, Jobs and PayloadBuilds it
 * controls). No API calls.
 */
import { ReleaseStreamStatusSchema, type ReleaseStreamStatus } from "../api/index.js";
import type { ImageStream } from "../builds/image-stream-schema.js";
import type { KubeObject } from "../kube/kube-object.js";
import type { ObjectKey } from "../kube/resource.js";
import { CONTROLLER_OWNER_UID_INDEX, type Store } from "../runtime/store.js";
import { targetImageStreamName, type Job } from "./release-stream-objects.js";

/** What one reconcile of a ReleaseStream sees. */
export interface ReleaseStreamObservation {
  readonly key: ObjectKey;
  /** The ReleaseStream as stored (not yet validated); undefined when it is gone. */
  readonly stream: KubeObject | undefined;
  /** The stored status, when it parses. */
  readonly status: ReleaseStreamStatus | undefined;
  /** `spec.source.imageStream`, when named and present. */
  readonly inputStream: ImageStream | undefined;
  /** The target ImageStream (one tag per release), when present. */
  readonly targetStream: ImageStream | undefined;
  /** ImageStreams controlled by the stream other than the target: the pinned inputs of releases. */
  readonly pinnedStreams: readonly ImageStream[];
  /** Verification Jobs controlled by the stream. */
  readonly jobs: readonly Job[];
  /** PayloadBuilds controlled by the stream (payloadBuild source). */
  readonly payloadBuilds: readonly KubeObject[];
}

/** The stores an observation reads. */
export interface ReleaseStreamStores {
  readonly streams: Store<KubeObject>;
  readonly imageStreams: Store<ImageStream>;
  readonly jobs: Store<Job>;
  readonly payloadBuilds: Store<KubeObject>;
}

/** `spec.source.imageStream` of an unvalidated ReleaseStream. */
export function inputStreamNameOf(stream: KubeObject): string | undefined {
  const spec: unknown = stream["spec"];
  const source: unknown =
    typeof spec === "object" && spec !== null ? (spec as Record<string, unknown>)["source"] : undefined;
  const name: unknown =
    typeof source === "object" && source !== null
      ? (source as Record<string, unknown>)["imageStream"]
      : undefined;
  return typeof name === "string" && name !== "" ? name : undefined;
}

function parseStatus(stream: KubeObject | undefined): ReleaseStreamStatus | undefined {
  const status: unknown = stream?.["status"];
  if (status === undefined || status === null) return undefined;
  const parsed = ReleaseStreamStatusSchema.safeParse(status);
  return parsed.success ? parsed.data : undefined;
}

/** Reads the ReleaseStream `key` and what it controls from the stores. */
export function observeReleaseStream(key: ObjectKey, stores: ReleaseStreamStores): ReleaseStreamObservation {
  const stream = stores.streams.get(key);
  const uid = stream?.metadata.uid;
  const namespace = key.namespace ?? "";
  const owned = <T extends KubeObject>(store: Store<T>): readonly T[] =>
    uid === undefined ? [] : store.byIndex(CONTROLLER_OWNER_UID_INDEX, uid);
  const inputName = stream === undefined ? undefined : inputStreamNameOf(stream);
  const targetName = targetImageStreamName(key.name);
  const ownedStreams = owned(stores.imageStreams);
  const target = stores.imageStreams.get({ namespace, name: targetName });
  return {
    key,
    stream,
    status: parseStatus(stream),
    inputStream:
      inputName === undefined ? undefined : stores.imageStreams.get({ namespace, name: inputName }),
    targetStream: target,
    pinnedStreams: ownedStreams.filter((s) => s.metadata.name !== targetName),
    jobs: owned(stores.jobs),
    payloadBuilds: owned(stores.payloadBuilds),
  };
}
