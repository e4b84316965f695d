/**
 * The simulated job runner against an API server: it finishes Jobs the way the Job controller
 * reports them, and the server (the dev cluster, or kube-apiserver 1.37 with its Job status
 * validation) accepts every status it writes.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import type { KubeConfig } from "@kubernetes/client-node";
import {
  startJobRunner,
  JOB_OBJECTS,
  type RunningJobRunner,
  type JobObject,
} from "../../../src/devcluster/jobs/index.js";
import type { KubeClient } from "../../../src/kube/kube-client.js";
import { createNamespace } from "../../support/dev-cluster-fixture.js";
import { waitFor } from "../../support/wait-for.js";

/** What the suite runs against. */
export interface JobRunnerPlane {
  readonly client: KubeClient;
  readonly kubeConfig: KubeConfig;
  stop(): Promise<void>;
}

function job(namespace: string, name: string, container: string) {
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name, namespace },
    spec: {
      backoffLimit: 0,
      template: {
        spec: {
          restartPolicy: "Never",
          containers: [{ name: container, image: "quay.io/example/verify:latest", command: ["true"] }],
        },
      },
    },
  };
}

function finished(j: JobObject): JobObject | undefined {
  return (j.status?.conditions ?? []).some(
    (c) => (c.type === "Complete" || c.type === "Failed") && c.status === "True",
  )
    ? j
    : undefined;
}

/** Defines the suite over the plane `start` gives. */
export function jobRunnerSuite(start: () => Promise<JobRunnerPlane>): void {
  let plane: JobRunnerPlane;
  let runner: RunningJobRunner;
  beforeAll(async () => {
    plane = await start();
    runner = await startJobRunner({ kubeConfig: plane.kubeConfig, speed: 10 });
  }, 120_000);
  afterAll(async () => {
    await runner?.stop();
    await plane?.stop();
  });

  it("completes a Job: startTime, completionTime, succeeded 1, SuccessCriteriaMet and Complete", async () => {
    const ns = await createNamespace(plane.client, "jobs-ok");
    await plane.client.create(JOB_OBJECTS, job(ns, "ok", "smoke"));
    const done = await waitFor(
      async () => finished(await plane.client.get(JOB_OBJECTS, { namespace: ns, name: "ok" })),
      "the Job to finish",
    );
    expect(done.status?.succeeded).toBe(1);
    expect(done.status?.startTime).toBeTruthy();
    expect(done.status?.completionTime).toBeTruthy();
    const types = (done.status?.conditions ?? []).filter((c) => c.status === "True").map((c) => c.type);
    expect(types).toEqual(["SuccessCriteriaMet", "Complete"]);
  });

  it("fails Jobs as configured (failTimes, then success): FailureTarget and Failed, failed 1", async () => {
    const ns = await createNamespace(plane.client, "jobs-fail");
    runner.setBehaviour("flaky", { failTimes: 1, durationMs: 100, failMessage: "smoke test failed" });
    await plane.client.create(JOB_OBJECTS, job(ns, "first", "flaky"));
    const first = await waitFor(
      async () => finished(await plane.client.get(JOB_OBJECTS, { namespace: ns, name: "first" })),
      "the first Job to finish",
    );
    expect(first.status?.failed).toBe(1);
    expect(first.status?.completionTime ?? undefined).toBeUndefined();
    const failed = (first.status?.conditions ?? []).find((c) => c.type === "Failed");
    expect(failed).toMatchObject({
      status: "True",
      reason: "BackoffLimitExceeded",
      message: "smoke test failed",
    });
    expect((first.status?.conditions ?? []).map((c) => c.type)).toEqual(["FailureTarget", "Failed"]);
    await plane.client.create(JOB_OBJECTS, job(ns, "second", "flaky"));
    const second = await waitFor(
      async () => finished(await plane.client.get(JOB_OBJECTS, { namespace: ns, name: "second" })),
      "the second Job to finish",
    );
    expect(second.status?.succeeded).toBe(1);
  });
}
