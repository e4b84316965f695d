/**
 * End to end: the operator process (with leader election) is killed with SIGKILL at random moments
 * of a build and started again each time; the new process takes over the Lease once the dead one's
 * expires and finishes the build from the cluster's state. Every Build of every attempt is created
 * exactly once (counted per name in the audit log) and the release has the same digest as an
 * undisturbed run of the same PayloadBuild. The scenario is the reliability harness's
 * (`test/reliability/crash-scenario.ts`; `npm run reliability` runs it with 10 kills during a
 * 60-component build); here smaller, on both control planes.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { crashScenario } from "../reliability/crash-scenario.js";
import { startE2eEnvironment, type ControlPlaneKind, type E2eEnvironment } from "./e2e-harness.js";

/** Defines this file's tests on the control plane `plane`. */
export function operatorRestartSuite(plane: ControlPlaneKind): void {
  let env: E2eEnvironment;

  beforeAll(async () => {
    env = await startE2eEnvironment({ speed: 20, plane });
  }, 60_000);

  afterAll(async () => {
    await env?.stop();
  });

  it("resumes after SIGKILLs mid-build: nothing built twice, the same release digest", async () => {
    const r = await crashScenario(env, {
      shape: {
        components: 8,
        minDurationMs: 40_000,
        maxDurationMs: 100_000,
        failOnceRate: 0.25,
        concurrency: 3,
      },
      kills: 2,
      seed: 7,
      leaderElect: true,
      maxKillDelayMs: 2_000,
      timeoutMs: 120_000,
    });
    const summary = JSON.stringify(r);
    expect(r.kills, summary).toBe(2);
    expect(r.ready, summary).toBe(true);
    expect(r.builds).toEqual(r.expectedBuilds);
    expect(r.auditDropped, "audit entries dropped: the counts below would be wrong").toBe(0);
    expect(r.duplicateCreations).toEqual([]);
    expect(r.creations).toBe(r.expectedBuilds.length);
    expect(r.digest, summary).toBe(r.undisturbedDigest);
    expect(r.sameComponentImages).toBe(true);
  }, 300_000);
}
