import { describe, expect, it } from "vitest";
import { Scenario, built, started } from "./decide-scenario.js";

const CENTOS = "quay.io/centos/centos:stream9";

/** base <- dns-operator <- dns-operand; etcd and cluster-version-operator independent. */
function payload(extra: Record<string, unknown> = {}): Scenario {
  return new Scenario({
    concurrency: 8,
    components: [
      built("base", { from: CENTOS }),
      built("dns-operator", { from: "base" }),
      built("dns-operand", { from: "dns-operator" }),
      built("etcd", { from: CENTOS }),
      built("cluster-version-operator", { from: CENTOS }),
    ],
    ...extra,
  });
}

describe("decidePayloadBuild: failures", () => {
  it("retries a failed build as attempt 2 once the backoff has passed", () => {
    const s = payload({ retry: { maxAttempts: 3 } });
    s.reconcile();
    s.fail("base");
    const waiting = s.reconcile();
    expect(waiting.start).toEqual([]);
    expect(waiting.requeueAfterMs).toBe(10_000);
    expect(s.component("base")).toMatchObject({ state: "Waiting", attempts: 1 });
    expect(s.component("base")?.message).toContain("retrying (attempt 2 of 3)");
    expect(s.component("base")?.message).toContain("DockerBuildFailed");
    expect(s.condition("Degraded")?.status).toBe("False");
    s.advance(10_000);
    const retry = s.reconcile();
    expect(started(retry)).toEqual(["base#2"]);
    expect(retry.start[0]?.event).toMatchObject({ reason: "BuildRetried", type: "Warning" });
    expect(retry.start[0]?.event.note).toContain("okd-base-2");
    expect(s.component("base")).toMatchObject({ state: "Building", build: "okd-base-2", attempts: 2 });
    s.complete("base");
    s.reconcile();
    expect(s.component("base")?.state).toBe("Landed");
  });

  it("fails a component after retry.maxAttempts, blocks its dependents and keeps independents going", () => {
    const s = payload({ retry: { maxAttempts: 1 } });
    s.reconcile();
    s.complete("etcd");
    s.fail("base", "DockerBuildFailed", "step 4/9: RUN make\nerror: undefined: foo");
    const decision = s.reconcile();
    expect(decision.start).toEqual([]);
    expect(decision.newlyFailedBuilds).toBe(1);
    expect(decision.events.find((e) => e.reason === "ComponentFailed")?.note).toContain("component base");
    expect(s.component("base")?.state).toBe("Failed");
    expect(s.component("base")?.message).toContain("undefined: foo");
    expect(s.component("dns-operator")).toMatchObject({
      state: "Blocked",
      message: "blocked: dependency base failed",
    });
    expect(s.component("dns-operand")).toMatchObject({
      state: "Blocked",
      message: "blocked: dependency base failed",
    });
    expect(s.component("etcd")?.state).toBe("Landed");
    const degraded = s.condition("Degraded");
    expect(degraded).toMatchObject({ status: "True", reason: "ComponentFailed" });
    expect(degraded?.message).toContain("component base failed");
    expect(degraded?.message).toContain("DockerBuildFailed");
    expect(degraded?.message).toContain("undefined: foo");
    // The CVO is still building: the payload goes on (ContinueIndependent) but cannot be released.
    expect(s.status?.phase).toBe("Building");
    s.complete("cluster-version-operator");
    const last = s.reconcile();
    expect(last.assemble).toBeUndefined();
    expect(last.newlyFailedBuilds).toBe(0);
    expect(s.status?.phase).toBe("Failed");
    expect(s.condition("Ready")).toMatchObject({ status: "False", reason: "ComponentFailed" });
    expect(s.condition("Progressing")?.status).toBe("False");
    expect(s.status?.counts).toMatchObject({ landed: 2, failed: 1, blocked: 2 });
  });

  it("starts nothing new under FailFast once a component has failed", () => {
    const s = new Scenario({
      concurrency: 1,
      failurePolicy: "FailFast",
      retry: { maxAttempts: 1 },
      components: [
        built("base", { from: CENTOS }),
        built("etcd", { from: CENTOS }),
        built("cluster-version-operator", { from: CENTOS }),
      ],
    });
    expect(started(s.reconcile())).toEqual(["base#1"]);
    s.fail("base");
    const decision = s.reconcile();
    expect(decision.start).toEqual([]);
    expect(s.status?.phase).toBe("Failed");
    expect(s.component("etcd")).toMatchObject({ state: "Waiting" });
    expect(s.component("etcd")?.message).toContain("FailFast");
    expect(s.condition("Degraded")).toMatchObject({ status: "True", reason: "ComponentFailed" });
  });

  it("under ContinueIndependent the same failure lets the independent components start", () => {
    const s = new Scenario({
      concurrency: 1,
      retry: { maxAttempts: 1 },
      components: [built("base", { from: CENTOS }), built("cluster-version-operator", { from: CENTOS })],
    });
    expect(started(s.reconcile())).toEqual(["base#1"]);
    s.fail("base");
    expect(started(s.reconcile())).toEqual(["cluster-version-operator#1"]);
  });

  it("reports an invalid spec with every problem, starts nothing, and is terminal", () => {
    const s = new Scenario({
      components: [built("base", { from: "bse" }), built("base"), built("cli", { dependsOn: ["cli"] })],
    });
    const decision = s.reconcile();
    expect(decision.start).toEqual([]);
    expect(decision.assemble).toBeUndefined();
    expect(decision.invalid).toBeDefined();
    expect(s.status?.phase).toBe("Invalid");
    const ready = s.condition("Ready");
    expect(ready).toMatchObject({ status: "False", reason: "InvalidSpec" });
    expect(ready?.message).toContain("spec.components[1].name");
    expect(ready?.message).toContain("spec.components[2].dependsOn");
    expect(ready?.message).toContain("cluster-version-operator");
    expect(decision.events.map((e) => e.reason)).toEqual(["InvalidSpec"]);
    // Reconciling the same invalid spec again does not emit the Event again.
    expect(s.reconcile().events).toEqual([]);
  });

  it("counts a build whose image never lands in its tag as a failed attempt after 10 minutes", () => {
    const s = payload({ retry: { maxAttempts: 2 } });
    s.reconcile();
    s.complete("base", { land: false });
    const waiting = s.reconcile();
    expect(s.component("base")).toMatchObject({ state: "Building" });
    expect(s.component("base")?.message).toContain("release:base");
    expect(waiting.requeueAfterMs).toBe(600_000);
    s.advance(600_000);
    const retry = s.reconcile();
    expect(started(retry)).toEqual(["base#2"]);
    expect(retry.start[0]?.event.note).toContain("did not land");
  });
});
