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

  it("counts attempts from its status: old failed builds pruned (OpenShift keeps 5) never give more tries", () => {
    const s = new Scenario({
      retry: { maxAttempts: 8 },
      components: [built("base", { from: CENTOS }), built("cluster-version-operator", { from: "base" })],
    });
    let attempts = 0;
    while (s.component("base")?.state !== "Failed") {
      const started_ = started(s.reconcile()).filter((a) => a.startsWith("base#"));
      attempts += started_.length;
      expect(attempts, "retried past retry.maxAttempts").toBeLessThanOrEqual(8);
      if (started_.length > 0) s.fail("base");
      // openshift-controller-manager's history pruning: only the 5 newest failed builds stay.
      const failed = [...s.children.values()].filter(
        (c) => (c["status"] as { phase?: string } | undefined)?.phase === "Failed",
      );
      for (const old of failed.slice(0, -5)) s.children.delete(old.metadata.name);
      s.advance(600_000);
    }
    expect(attempts).toBe(8);
    expect(s.component("base")).toMatchObject({ state: "Failed", attempts: 8, build: "okd-base-8" });
    expect(s.component("base")?.message).toContain("8 of 8 attempts used");
  });

  it("stays Failed when every build of a failed component is deleted", () => {
    const s = payload({ retry: { maxAttempts: 2 } });
    s.reconcile();
    s.fail("base");
    s.advance(60_000).reconcile();
    s.fail("base");
    s.reconcile();
    expect(s.component("base")).toMatchObject({ state: "Failed", attempts: 2 });
    for (const name of [...s.children.keys()]) if (name.startsWith("okd-base-")) s.children.delete(name);
    s.advance(600_000);
    expect(started(s.reconcile())).not.toContain("base#3");
    expect(s.component("base")).toMatchObject({ state: "Failed", attempts: 2 });
    expect(s.component("base")?.message).toContain("all 2 attempts were used");
  });

  it("keeps counting an attempt whose status write was lost (its build is observed above the recorded one)", () => {
    const s = payload({ retry: { maxAttempts: 3 } });
    s.reconcile();
    s.fail("base");
    s.advance(60_000);
    const stale = s.status;
    s.reconcile(); // starts attempt 2, but its status write is lost
    s.status = stale;
    s.fail("base");
    s.advance(600_000).reconcile();
    expect(s.component("base")).toMatchObject({ state: "Building", attempts: 3, build: "okd-base-3" });
  });
});
