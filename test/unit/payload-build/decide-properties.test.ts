import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../../src/kube/kube-object.js";
import { Scenario, built } from "./decide-scenario.js";

const CENTOS = "quay.io/centos/centos:stream9";

/** A random payload: component i builds from an earlier component or from CentOS. */
const payloads = fc
  .record({
    size: fc.integer({ min: 1, max: 12 }),
    parents: fc.array(fc.nat(), { minLength: 12, maxLength: 12 }),
    concurrency: fc.integer({ min: 1, max: 4 }),
    failures: fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
    order: fc.array(fc.nat(), { minLength: 40, maxLength: 40 }),
  })
  .map(({ size, parents, concurrency, failures, order }) => {
    const names = Array.from({ length: size }, (_, i) => (i === 0 ? "cluster-version-operator" : `c${i}`));
    const components = names.map((name, i) => {
      const parent = i === 0 ? undefined : (parents[i] ?? 0) % (i + 1);
      return built(name, { from: parent === undefined || parent === i ? CENTOS : (names[parent] ?? CENTOS) });
    });
    return {
      components,
      concurrency,
      failOnce: new Set(names.filter((_, i) => failures[i] === true)),
      order,
    };
  });

function phaseOf(build: KubeObject): string {
  const status = build["status"] as { phase?: string } | undefined;
  return status?.phase ?? "New";
}

describe("decidePayloadBuild: invariants over random payloads", () => {
  it("never exceeds concurrency, never runs two builds of a component, starts only landed dependencies' dependents, and ends Succeeded", () => {
    fc.assert(
      fc.property(payloads, ({ components, concurrency, failOnce, order }) => {
        const s = new Scenario({ concurrency, components, retry: { maxAttempts: 2 } });
        const failed = new Set<string>();
        for (let step = 0; step < 200 && s.status?.phase !== "Succeeded"; step++) {
          const decision = s.reconcile();
          for (const attempt of decision.start) {
            const spec = components.find((c) => c.name === attempt.component);
            const from = spec?.from;
            if (from !== undefined && from !== CENTOS) expect(s.component(from)?.state).toBe("Landed");
          }
          const live = [...s.children.values()].filter(
            (c) => c.kind === "Build" && ["New", "Running"].includes(phaseOf(c)),
          );
          expect(live.length).toBeLessThanOrEqual(concurrency);
          const perComponent = new Set(live.map((b) => b.metadata.labels?.["payload.okd.io/component"]));
          expect(perComponent.size).toBe(live.length);
          // Finish one live build (chosen by the random order), failing each flaky component once.
          const next = live[(order[step % order.length] ?? 0) % Math.max(1, live.length)];
          const component = next?.metadata.labels?.["payload.okd.io/component"];
          if (component === undefined) {
            s.advance(60_000); // only retries in backoff remain
            continue;
          }
          if (failOnce.has(component) && !failed.has(component)) {
            failed.add(component);
            s.fail(component);
          } else s.complete(component);
        }
        expect(s.status?.phase).toBe("Succeeded");
        expect(s.status?.counts?.landed).toBe(components.length);
        const builds = [...s.children.values()].filter((c) => c.kind === "Build").length;
        expect(builds).toBe(components.length + failed.size);
      }),
      { numRuns: 60 },
    );
  });
});
