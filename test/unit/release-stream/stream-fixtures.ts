/** Scenario builders for the ReleaseStream decide step: streams, ImageStreams, Jobs, observations. */
import type { ReleaseStreamStatus, StreamRelease } from "../../../src/api/index.js";
import type { ImageStream } from "../../../src/builds/image-stream-schema.js";
import type { KubeObject } from "../../../src/kube/kube-object.js";
import type { ReleaseStreamObservation } from "../../../src/release-stream/observe-release-stream.js";
import type { Job } from "../../../src/release-stream/release-stream-objects.js";

export const NS = "okd";
export const PREFIX = "4.17.0-0.okd-scos";
export const T0 = Date.parse("2026-11-21T08:00:00Z");

/** A ReleaseStream over ImageStream `release`. */
export function stream(spec: Record<string, unknown> = {}, annotations?: Record<string, string>): KubeObject {
  return {
    apiVersion: "payload.okd.io/v1alpha1",
    kind: "ReleaseStream",
    metadata: {
      name: "okd-scos",
      namespace: NS,
      uid: "stream-uid",
      generation: 1,
      resourceVersion: "1",
      ...(annotations === undefined ? {} : { annotations }),
    },
    spec: {
      name: PREFIX,
      source: { imageStream: "release" },
      to: "docker://registry.example/okd/release",
      ...spec,
    },
  };
}

/** An input ImageStream whose tags have landed with these digests. */
export function input(tags: Record<string, string>): ImageStream {
  return {
    metadata: { name: "release", namespace: NS },
    status: {
      dockerImageRepository: "registry.example/okd/release",
      tags: Object.entries(tags).map(([tag, digest]) => ({
        tag,
        items: [
          {
            image: digest,
            dockerImageReference: `registry.example/okd/release@${digest}`,
            created: "2026-11-21T07:00:00Z",
          },
        ],
      })),
    },
  };
}

export const TAGS = {
  "cluster-version-operator": `sha256:${"a".repeat(64)}`,
  "dns-operator": `sha256:${"b".repeat(64)}`,
};

/** A release record. */
export function release(
  name: string,
  phase: StreamRelease["phase"],
  extra: Partial<StreamRelease> = {},
): StreamRelease {
  return {
    name: `${PREFIX}-${name}`,
    phase,
    createdAt: `${name.slice(0, 10)}T${name.slice(11, 13)}:${name.slice(13, 15)}:${name.slice(15, 17)}Z`,
    round: 1,
    ...(phase === "Pending"
      ? {}
      : { image: `registry.example/okd/release@sha256:${name.replace(/-/g, "").padEnd(64, "0")}` }),
    ...extra,
  };
}

/** A Job of the stream for `releaseName`/`verification`, attempt n, round r, finished as said. */
export function job(
  releaseName: string,
  verification: string,
  attempt: number,
  outcome: "running" | "succeeded" | "failed",
  atIso = "2026-11-21T09:00:00Z",
  round = 1,
): Job {
  return {
    metadata: {
      name: `job-${verification}-${round}-${attempt}`,
      namespace: NS,
      annotations: {
        "release.openshift.io/tag": releaseName,
        "payload.okd.io/verification": verification,
        "payload.okd.io/verification-round": String(round),
        "payload.okd.io/attempt": String(attempt),
      },
      ownerReferences: [
        {
          apiVersion: "payload.okd.io/v1alpha1",
          kind: "ReleaseStream",
          name: "okd-scos",
          uid: "stream-uid",
          controller: true,
        },
      ],
    },
    status:
      outcome === "running"
        ? { startTime: atIso }
        : outcome === "succeeded"
          ? {
              completionTime: atIso,
              conditions: [{ type: "Complete", status: "True", lastTransitionTime: atIso }],
            }
          : {
              conditions: [
                {
                  type: "Failed",
                  status: "True",
                  reason: "BackoffLimitExceeded",
                  message: "smoke failed",
                  lastTransitionTime: atIso,
                },
              ],
            },
  };
}

/** An observation. */
export function observation(parts: {
  stream: KubeObject;
  releases?: StreamRelease[];
  input?: ImageStream;
  target?: ImageStream;
  pinned?: ImageStream[];
  jobs?: Job[];
  /** The stored status (its releases replaced by `releases` when given). */
  status?: ReleaseStreamStatus;
}): ReleaseStreamObservation {
  return {
    key: { namespace: NS, name: "okd-scos" },
    stream: parts.stream,
    status:
      parts.releases === undefined ? parts.status : { ...(parts.status ?? {}), releases: parts.releases },
    inputStream: parts.input,
    targetStream: parts.target,
    pinnedStreams: parts.pinned ?? [],
    jobs: parts.jobs ?? [],
    payloadBuilds: [],
  };
}

export const verifySmoke = (extra: Record<string, unknown> = {}) => ({
  name: "smoke",
  jobTemplate: {
    spec: { template: { spec: { restartPolicy: "Never", containers: [{ name: "smoke", image: "x" }] } } },
  },
  ...extra,
});
