/**
 * End to end with the shipwright backend against a simulated Shipwright that checks BuildRuns the
 * way Shipwright does (strategy lookup, declared parameters, stepResources): the sample payload
 * (config/samples/payloadbuild.yaml with `backend: shipwright`) reaches Ready with our strategy
 * (deploy/shipwright/okd-payload-buildah.yaml, installed as a cluster admin would); with the stock
 * buildah strategy its components fail with a message naming the undeclared parameters and our
 * strategy.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUILD_RUNS } from "../../src/builds/build-resources.js";
import { loadSimulationProfile } from "../../src/devcluster/builds/index.js";
import type { OperatorProcess } from "../../src/demo/operator-process.js";
import { SECRETS } from "../../src/kube/resource.js";
import { PAYLOAD_BUILDS } from "../../src/payload-build/payload-build-controller.js";
import {
  STOCK_BUILDAH_STRATEGY,
  installOkdPayloadStrategy,
  installStockBuildahStrategy,
} from "../support/shipwright-strategies.js";
import {
  ROOT,
  createNamespace,
  hasCondition,
  startE2eEnvironment,
  waitForStatus,
  type ControlPlaneKind,
  type E2eEnvironment,
} from "./e2e-harness.js";

interface Sample {
  readonly metadata: { readonly name: string };
  readonly spec: Record<string, unknown> & { readonly release: Record<string, unknown> };
}

/** Defines this file's tests on the control plane `plane`. */
export function shipwrightSuite(plane: ControlPlaneKind): void {
  let env: E2eEnvironment;
  let sample: Sample;

  beforeAll(async () => {
    env = await startE2eEnvironment({
      speed: 200,
      plane,
      profile: await loadSimulationProfile(join(ROOT, "config/samples/simulation.yaml")),
    });
    await installOkdPayloadStrategy(env.client);
    await installStockBuildahStrategy(env.client);
    sample = parse(await readFile(join(ROOT, "config/samples/payloadbuild.yaml"), "utf8")) as Sample;
  }, 120_000);

  afterAll(async () => {
    await env?.stop();
  });

  async function applySample(prefix: string): Promise<string> {
    const ns = await createNamespace(env.client, prefix);
    await env.client.create(SECRETS, {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "release-push", namespace: ns },
      type: "kubernetes.io/dockerconfigjson",
      data: { ".dockerconfigjson": Buffer.from(JSON.stringify({ auths: {} })).toString("base64") },
    });
    await env.client.create(PAYLOAD_BUILDS, {
      apiVersion: "payload.okd.io/v1alpha1",
      kind: "PayloadBuild",
      metadata: { name: sample.metadata.name, namespace: ns },
      spec: {
        ...sample.spec,
        backend: "shipwright",
        release: { ...sample.spec.release, to: `docker://${env.dockerRegistry.host}/${ns}/okd-release` },
      },
    });
    return ns;
  }

  describe("the shipwright backend on a Shipwright that checks BuildRuns against their strategy", () => {
    it("builds the sample payload to Ready=True with our okd-payload-buildah strategy", async () => {
      const operator = await env.startOperator(["--build-retry-delay", "0.2"]);
      try {
        const ns = await applySample("sw-ours");
        const status = await waitForStatus(
          env,
          operator,
          { namespace: ns, name: sample.metadata.name },
          "Ready=True",
          (s) => hasCondition(s, "Ready", "True") || s.phase === "Failed",
          240_000,
        );
        expect(status.phase, JSON.stringify(status.conditions)).toBe("Succeeded");
        expect(status.release?.digest).toMatch(/^sha256:/);
        const runs = (await env.client.list(BUILD_RUNS, { namespace: ns })).items;
        expect(runs.length).toBeGreaterThan(20);
        for (const run of runs) {
          const strategy = (run["spec"] as { build: { spec: { strategy: { name: string } } } }).build.spec
            .strategy;
          expect(strategy.name).toBe("okd-payload-buildah");
        }
      } finally {
        await operator.stop();
      }
    }, 300_000);

    it("with the stock buildah strategy fails the first component, naming the undeclared parameters and our strategy", async () => {
      const operator: OperatorProcess = await env.startOperator([
        "--shipwright-strategy",
        `ClusterBuildStrategy/${STOCK_BUILDAH_STRATEGY}`,
        "--build-retry-delay",
        "0.1",
      ]);
      try {
        const ns = await applySample("sw-stock");
        const status = await waitForStatus(
          env,
          operator,
          { namespace: ns, name: sample.metadata.name },
          "phase Failed",
          (s) => s.phase === "Failed",
          120_000,
        );
        const failed = (status.components ?? []).filter((c) => c.state === "Failed");
        expect(failed.map((c) => c.name)).toContain("builder");
        const message = failed.find((c) => c.name === "builder")?.message ?? "";
        expect(message).toContain("UndefinedParameter");
        expect(message).toContain("not defined in the build strategy: from");
        expect(message).toContain(`ClusterBuildStrategy/${STOCK_BUILDAH_STRATEGY}`);
        expect(message).toContain("deploy/shipwright/okd-payload-buildah.yaml");
        expect(status.release?.digest).toBeUndefined();
      } finally {
        await operator.stop();
      }
    }, 180_000);
  });
}
