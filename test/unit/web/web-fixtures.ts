/**
 * Scenario builders for the web UI's unit tests: ReleaseStream and PayloadBuild objects written as
 * plain JSON (as the API server would hand them over), never built from the product's schemas.
 */
import type { KubeObject } from "../../../src/kube/kube-object.js";

/** One release entry of a stream's status. */
export interface ReleaseFixture {
  readonly name: string;
  readonly phase: string;
  readonly digest?: string;
  readonly previous?: readonly string[];
  readonly createdAt?: string;
  readonly verifications?: readonly Record<string, unknown>[];
}

/** A ReleaseStream object with `releases` in its status (any order). */
export function streamObject(
  name: string,
  prefix: string,
  releases: readonly ReleaseFixture[],
  namespace = "okd",
): KubeObject {
  return {
    apiVersion: "payload.okd.io/v1alpha1",
    kind: "ReleaseStream",
    metadata: { name, namespace, uid: `uid-${namespace}-${name}` },
    spec: { name: prefix, source: { imageStream: "input" }, to: `docker://quay.io/okd/${name}` },
    status: {
      releases: releases.map((r) => ({
        name: r.name,
        phase: r.phase,
        ...(r.digest === undefined ? {} : { digest: r.digest, image: `quay.io/okd/${name}@${r.digest}` }),
        ...(r.previous === undefined ? {} : { previous: r.previous }),
        createdAt: r.createdAt ?? "2026-12-01T10:00:00Z",
        ...(r.verifications === undefined ? {} : { verifications: r.verifications }),
      })),
    },
  };
}

/** `sha256:` followed by `c` repeated. */
export function digest(c: string): string {
  return `sha256:${c.repeat(64).slice(0, 64)}`;
}
