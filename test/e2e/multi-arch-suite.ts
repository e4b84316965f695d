/**
 * A two-architecture payload end to end: the operator builds each component once per architecture
 * (Builds with the kubernetes.io/arch node selector, built by the simulated build system for that
 * CPU), pushes an image index per component, points the component's tag at it, and assembles the
 * release as `oc adm release new --keep-manifest-list` does. The release index is then read per
 * architecture by `skopeo inspect --raw`, `oc adm release info --filter-by-os` and
 * `payloadctl release-info --filter-by-os`.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUILDS } from "../../src/builds/build-resources.js";
import type { OperatorProcess } from "../../src/demo/operator-process.js";
import { PAYLOAD_BUILDS } from "../../src/payload-build/payload-build-controller.js";
import { ocReleaseInfo } from "../integration/release-image/release-tools.js";
import {
  CENTOS,
  ROOT,
  component,
  createNamespace,
  hasCondition,
  startE2eEnvironment,
  waitForStatus,
  type ControlPlaneKind,
  type E2eEnvironment,
} from "./e2e-harness.js";

const run = promisify(execFile);
const RELEASE = "4.17.0-0.okd-e2e-2026-12-04-120000";
const NAME = "okd";
const ARCHITECTURES = ["amd64", "arm64"];

/** Defines this file's tests on the control plane `plane`. */
export function multiArchSuite(plane: ControlPlaneKind): void {
  let env: E2eEnvironment;
  let operator: OperatorProcess;

  beforeAll(async () => {
    env = await startE2eEnvironment({
      speed: 20,
      plane,
      profile: { components: { "cluster-version-operator": { operator: true } } },
    });
    operator = await env.startOperator(["--build-retry-delay", "0.1"]);
  }, 60_000);

  afterAll(async () => {
    await env?.stop();
  });

  describe("a payload with spec.architectures [amd64, arm64]", () => {
    it("builds per architecture and pushes a release index read per architecture by skopeo, oc and payloadctl", async () => {
      const ns = await createNamespace(env.client, "multi");
      const to = `${env.dockerRegistry.host}/${ns}/release`;
      await env.client.create(PAYLOAD_BUILDS, {
        apiVersion: "payload.okd.io/v1alpha1",
        kind: "PayloadBuild",
        metadata: { name: NAME, namespace: ns },
        spec: {
          imageStream: "release",
          architectures: ARCHITECTURES,
          components: [component("base", CENTOS), component("cluster-version-operator", "base")],
          release: { name: RELEASE, to: `docker://${to}` },
        },
      });
      const status = await waitForStatus(
        env,
        operator,
        { namespace: ns, name: NAME },
        "Ready=True",
        (s) => hasCondition(s, "Ready", "True") || s.phase === "Failed",
        180_000,
      );
      expect(status.phase, JSON.stringify(status.components)).toBe("Succeeded");
      const entries = new Map((status.components ?? []).map((c) => [c.name, c]));
      for (const name of ["base", "cluster-version-operator"]) {
        expect(entries.get(name)?.state).toBe("Landed");
        for (const a of ARCHITECTURES) {
          expect(entries.get(`${name}-${a}`)).toMatchObject({ state: "Landed", attempts: 1 });
        }
      }

      // One Build per component and architecture, each on a node of its architecture.
      const builds = (await env.client.list(BUILDS, { namespace: ns })).items;
      expect(
        builds
          .map((b) => {
            const spec = b["spec"] as { nodeSelector?: Record<string, string> };
            return `${b.metadata.name} ${spec.nodeSelector?.["kubernetes.io/arch"] ?? "-"}`;
          })
          .sort(),
      ).toEqual([
        "okd-base-amd64-1 amd64",
        "okd-base-arm64-1 arm64",
        "okd-cluster-version-operator-amd64-1 amd64",
        "okd-cluster-version-operator-arm64-1 arm64",
      ]);

      // skopeo: the release is an index of one release image per architecture.
      const digest = status.release?.digest ?? "";
      const raw = JSON.parse(
        (await run("skopeo", ["inspect", "--raw", "--tls-verify=false", `docker://${to}@${digest}`])).stdout,
      ) as { manifests: { digest: string; platform: { os: string; architecture: string } }[] };
      expect(raw.manifests.map((m) => `${m.platform.os}/${m.platform.architecture}`)).toEqual(
        ARCHITECTURES.map((a) => `linux/${a}`),
      );
      // Each component is an index too, of its per-architecture images.
      const cvo = entries.get("cluster-version-operator")?.image ?? "";
      const cvoIndex = JSON.parse(
        (await run("skopeo", ["inspect", "--raw", "--tls-verify=false", `docker://${cvo}`])).stdout,
      ) as { manifests: { digest: string; platform: { architecture: string } }[] };
      expect(cvoIndex.manifests.map((m) => m.platform.architecture)).toEqual(ARCHITECTURES);
      for (const [i, a] of ARCHITECTURES.entries()) {
        expect(cvoIndex.manifests[i]?.digest).toBe(
          entries.get(`cluster-version-operator-${a}`)?.image?.split("@")[1],
        );
      }

      for (const [i, a] of ARCHITECTURES.entries()) {
        // oc adm release info per platform.
        const info = await ocReleaseInfo(`${to}@${digest}`, [`--filter-by-os=linux/${a}`]);
        expect(info.listDigest).toBe(digest);
        expect(info.digest).toBe(raw.manifests[i]?.digest);
        expect(info.metadata.metadata).toEqual({ "release.openshift.io/architecture": "multi" });
        const refs = new Map(info.references.spec.tags.map((t) => [t.name, t.from?.name]));
        expect(refs.get("cluster-version-operator")).toBe(cvo);
        expect(refs.has(`cluster-version-operator-${a}`)).toBe(false);

        // payloadctl release-info per platform.
        const { stdout } = await run(
          process.execPath,
          [
            "--import",
            "tsx",
            join(ROOT, "src/cli/payloadctl.ts"),
            "release-info",
            "--insecure-registry",
            env.dockerRegistry.host,
            "--filter-by-os",
            `linux/${a}`,
            `docker://${to}@${digest}`,
          ],
          { cwd: ROOT },
        );
        expect(stdout).toContain(`Digest:    ${raw.manifests[i]?.digest}\n`);
        expect(stdout).toContain(`Manifest List: ${digest}\n`);
        expect(stdout).toContain(`OS/Arch:   linux/${a}\n`);
        expect(stdout).toMatch(new RegExp(`cluster-version-operator +${cvo.replace(/[.]/g, "\\.")}`));
      }
    }, 240_000);
  });
}
