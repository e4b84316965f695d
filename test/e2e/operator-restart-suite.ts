/**
 * End to end: the operator process is killed with SIGKILL in the middle of a build and started
 * again. The new process (after taking over the leader election Lease) finishes the build from
 * the cluster's state: no component is built twice (Build creations counted in the dev cluster's
 * audit log) and the release has the same digest as an undisturbed run of the same PayloadBuild.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { BUILDS } from "../../src/builds/build-resources.js";
import { isNotFound } from "../../src/kube/kube-errors.js";
import { PAYLOAD_BUILDS } from "../../src/payload-build/payload-build-controller.js";
import {
  CENTOS,
  component,
  createNamespace,
  hasCondition,
  startE2eEnvironment,
  waitFor,
  waitForStatus,
  type ControlPlaneKind,
  type E2eEnvironment,
} from "./e2e-harness.js";

const NAME = "okd";
const RELEASE = "4.17.0-0.okd-e2e-2026-11-21-130000";
/** Defines this file's tests on the control plane `plane`. */
export function operatorRestartSuite(plane: ControlPlaneKind): void {
  let env: E2eEnvironment;

  beforeAll(async () => {
    env = await startE2eEnvironment({
      speed: 20,
      plane,
      profile: {
        components: {
          "cluster-version-operator": { operator: true },
          "slow-operand": { durationMs: 80_000 },
        },
      },
    });
  }, 60_000);

  afterAll(async () => {
    await env?.stop();
  });

  it("resumes after SIGKILL mid-build: nothing built twice, the same release digest", async () => {
    const ns = await createNamespace(env.client, "restart");
    const where = { namespace: ns, name: NAME };
    const payloadBuild = {
      apiVersion: "payload.okd.io/v1alpha1",
      kind: "PayloadBuild",
      metadata: { name: NAME, namespace: ns },
      spec: {
        imageStream: "release",
        concurrency: 2,
        components: [
          component("base", CENTOS),
          component("slow-operand", "base"),
          component("cluster-version-operator", "base"),
          component("cli", "base"),
        ],
        release: { name: RELEASE, to: `docker://${env.dockerRegistry.host}/${ns}/release` },
      },
    };
    const expectedBuilds = [
      "okd-base-1",
      "okd-cli-1",
      "okd-cluster-version-operator-1",
      "okd-slow-operand-1",
    ];
    const buildNames = async () =>
      (await env.client.list(BUILDS, { namespace: ns })).items.map((b) => b.metadata.name).sort();
    const creationsSince = async (index: number) =>
      (await env.operatorRequests())
        .slice(index)
        .filter((e) => e.verb === "create" && e.resource === "builds" && e.namespace === ns && e.code === 201)
        .length;

    // The undisturbed run.
    const first = await env.startOperator(["--leader-elect"]);
    await env.client.create(PAYLOAD_BUILDS, payloadBuild);
    const undisturbed = await waitForStatus(env, first, where, "Ready=True (undisturbed)", (s) =>
      hasCondition(s, "Ready", "True"),
    );
    expect(undisturbed.release?.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    await env.client.delete(PAYLOAD_BUILDS, where);
    await waitFor(async () => {
      const gone = await env.client.get(PAYLOAD_BUILDS, where).then(
        () => false,
        (e: unknown) => isNotFound(e),
      );
      return gone && (await buildNames()).length === 0 ? true : undefined;
    }, "the first run's PayloadBuild and Builds to be gone");

    // The same PayloadBuild again; the operator dies while slow-operand builds.
    const mark = (await env.operatorRequests()).length;
    await env.client.create(PAYLOAD_BUILDS, payloadBuild);
    await waitForStatus(env, first, where, "slow-operand building", (s) =>
      (s.components ?? []).some((c) => c.name === "slow-operand" && c.state === "Building"),
    );
    expect(await first.kill("SIGKILL")).toBe("SIGKILL");
    const second = await env.startOperator(["--leader-elect"]);
    const restarted = await waitForStatus(
      env,
      second,
      where,
      "Ready=True after the restart",
      (s) => hasCondition(s, "Ready", "True"),
      90_000,
    );
    expect(await buildNames()).toEqual(expectedBuilds);
    expect(env.auditDropped(), "audit entries dropped: the count below would be wrong").toBe(0);
    expect(await creationsSince(mark), `Build creations; operator log:\n${await second.tail(40)}`).toBe(
      expectedBuilds.length,
    );
    expect(
      restarted.release?.digest,
      `release digest; components ${JSON.stringify(restarted.components)} vs ${JSON.stringify(undisturbed.components)}`,
    ).toBe(undisturbed.release?.digest);
    expect(restarted.components?.map((c) => c.image)).toEqual(undisturbed.components?.map((c) => c.image));
  }, 150_000);
}
