import { describe, expect, it } from "vitest";
import { trimCachedJob } from "../../../src/release-stream/job-cache-transform.js";
import { jobOutcome, jobsOf } from "../../../src/release-stream/verify-release.js";
import type { Job } from "../../../src/release-stream/release-stream-objects.js";
import { job } from "./stream-fixtures.js";

/** `base` as the API server returns it: with its pod template and the status fields of batch/v1. */
function served(base: Job): Job {
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    ...base,
    spec: {
      backoffLimit: 0,
      completions: 1,
      template: {
        spec: {
          restartPolicy: "Never",
          containers: [
            {
              name: "verify",
              image: "quay.io/openshift/origin-cli:4.17",
              command: ["/bin/sh", "-c", "oc adm release info $RELEASE_IMAGE_LATEST"],
              env: [{ name: "RELEASE_IMAGE_LATEST", value: "registry/okd/release@sha256:1" }],
            },
          ],
        },
      },
    },
    status: {
      ...base.status,
      active: 0,
      ready: 0,
      failed: 1,
      terminating: 0,
      uncountedTerminatedPods: {},
    },
  };
}

describe("trimCachedJob", () => {
  const jobs = [
    served(job("4.17.0-0.okd-scos-2026-11-21-080000", "smoke", 1, "running")),
    served(job("4.17.0-0.okd-scos-2026-11-21-080000", "smoke", 2, "failed")),
    served(job("4.17.0-0.okd-scos-2026-11-21-080000", "upgrade", 1, "succeeded")),
  ];

  it("keeps identity, metadata, conditions and start/completion times; drops the pod template and pod counts", () => {
    const failed = jobs[1] as Job;
    expect(trimCachedJob(failed)).toEqual({
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: failed.metadata,
      status: { conditions: failed.status?.conditions },
    });
    const succeeded = jobs[2] as Job;
    expect(trimCachedJob(succeeded)["status"]).toEqual({
      completionTime: "2026-11-21T09:00:00Z",
      conditions: succeeded.status?.conditions,
    });
    expect(trimCachedJob(succeeded)).not.toHaveProperty("spec");
  });

  it("gives the same outcomes and attempts as the whole Jobs", () => {
    const trimmed = jobs.map((j) => trimCachedJob(j) as Job);
    for (const [i, j] of jobs.entries()) expect(jobOutcome(trimmed[i] as Job, 0)).toEqual(jobOutcome(j, 0));
    expect(jobsOf(trimmed, "4.17.0-0.okd-scos-2026-11-21-080000", "smoke", 1)).toEqual(
      new Map(
        [...jobsOf(jobs, "4.17.0-0.okd-scos-2026-11-21-080000", "smoke", 1)].map(([n, j]) => [
          n,
          trimCachedJob(j),
        ]),
      ),
    );
  });
});
