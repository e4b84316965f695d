/**
 * The reliability harness (`npm run reliability`) in a reduced form: fewer kills and components,
 * the same scenarios and the same properties asserted. Needs the real control plane, Debian's
 * docker-registry, skopeo and kubectl.
 */
import { beforeAll, expect, it } from "vitest";
import { CONTROL_PLANE_TOOLS, describeWithTools } from "../support/required-tool.js";
import { LEASE_DURATION_MS, LEASE_RETRY_MS } from "./failover-scenario.js";
import { REDUCED_SIZES, runReliability, type ReliabilityResults } from "./reliability-run.js";

describeWithTools([...CONTROL_PLANE_TOOLS, "docker-registry", "skopeo", "kubectl"])(
  "reliability harness",
  () => {
    let r: ReliabilityResults;
    beforeAll(async () => {
      r = await runReliability(REDUCED_SIZES, (what, result) => console.log(what, JSON.stringify(result)));
    }, 900_000);

    it("SIGKILLed at random moments and restarted: every Build once per attempt, the same digest, Ready", () => {
      const c = r.crash;
      expect(c.kills).toBe(REDUCED_SIZES.crash.kills);
      expect(c.ready).toBe(true);
      expect(c.builds).toEqual(c.expectedBuilds);
      expect(c.duplicateCreations).toEqual([]);
      expect(c.creations).toBe(c.expectedBuilds.length);
      expect(c.digest).toBe(c.undisturbedDigest);
      expect(c.sameComponentImages).toBe(true);
      expect(c.recoveryMs).toHaveLength(c.kills);
      expect(c.auditDropped).toBe(0);
    });

    it("under API faults (409/429/500 writes, cut watches, 410 on resume): the same, and every 429 honoured", () => {
      const a = r.apiFaults;
      expect(a.ready).toBe(true);
      expect(a.builds).toEqual(a.expectedBuilds);
      expect(a.duplicateCreations).toEqual([]);
      expect(a.creations).toBe(a.expectedBuilds.length);
      expect(a.digest).toBe(a.undisturbedDigest);
      expect(a.failedWrites[429]).toBeGreaterThanOrEqual(3);
      expect(a.retryAfter.throttled).toBe(a.failedWrites[429]);
      expect(a.compactions).toBeGreaterThan(0);
      expect(a.watches, "watch streams cut and opened again").toBeGreaterThan(0);
      expect(a.retryAfter.violations).toEqual([]);
      expect(a.auditDropped).toBe(0);
    });

    it("under registry faults: the release and every image it names are complete, or the status says why", () => {
      const g = r.registryFaults;
      expect(g.injected.errors + g.injected.resets + g.injected.slow).toBeGreaterThan(0);
      expect(g.duplicateCreations).toEqual([]);
      if (g.ready) {
        expect(g.incomplete).toEqual([]);
        expect(g.imagesComplete).toBe(g.components + 1);
        expect(g.digest).toBe(g.undisturbedDigest);
      } else {
        expect(g.messages.length, "a release that did not come out must say why").toBeGreaterThan(0);
      }
    });

    it("two replicas: the standby takes over within the lease duration, never both writing", () => {
      const f = r.failover;
      expect(f.ready).toBe(true);
      expect(f.overlaps).toBe(0);
      expect(f.spans).toHaveLength(2);
      expect(f.standbyWritesBeforeLeading).toBe(0);
      expect(f.takeoverAfterLastRenewMs).toBeLessThanOrEqual(LEASE_DURATION_MS + 2 * 1.2 * LEASE_RETRY_MS);
      expect(f.builds).toEqual(f.expectedBuilds);
      expect(f.duplicateCreations).toEqual([]);
    });
  },
);
