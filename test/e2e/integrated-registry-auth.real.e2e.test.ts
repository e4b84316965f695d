/**
 * Release assembly against an integrated registry that authorizes as OpenShift's does
 * (`startRegistryAccessControl`: every pull a SelfSubjectAccessReview of `get imagestreams/layers`
 * with the caller's token, on the real kube-apiserver). The operator runs as its ServiceAccount under
 * the generated RBAC: it reads the landed components with its own token and pushes the release with
 * the push Secret; without `get imagestreams/layers` the PayloadBuild says which image, what the
 * registry answered and which permission is missing, and finishes once the grant is back.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OPERATOR_USER } from "../../src/control-plane/operator-identity.js";
import type { OperatorProcess } from "../../src/demo/operator-process.js";
import { PAYLOAD_BUILDS } from "../../src/payload-build/payload-build-controller.js";
import {
  CENTOS,
  component,
  createNamespace,
  hasCondition,
  startE2eEnvironment,
  waitForStatus,
  type E2eEnvironment,
} from "./e2e-harness.js";
import { CLUSTER_ROLES, MANAGER_ROLE, withoutPermission, type Rule } from "./cluster-role-rules.js";
import { CONTROL_PLANE_TOOLS, describeWithTools } from "../support/required-tool.js";

describeWithTools([...CONTROL_PLANE_TOOLS, "docker-registry", "kubectl"])(
  "the integrated registry on the real control plane",
  () => {
    const LAYERS = "get image.openshift.io/imagestreams/layers";
    const NAME = "okd";
    const RELEASE = "4.17.0-0.okd-2026-01-02-030405";

    let env: E2eEnvironment;
    let operator: OperatorProcess;

    beforeAll(async () => {
      env = await startE2eEnvironment({ speed: 20, plane: "real", integratedRegistryAccess: true });
      operator = await env.startOperator();
    }, 120_000);

    afterAll(async () => {
      await env?.stop();
    });

    async function createPayload(prefix: string): Promise<string> {
      const ns = await createNamespace(env.client, prefix);
      await env.client.create(PAYLOAD_BUILDS, {
        apiVersion: "payload.okd.io/v1alpha1",
        kind: "PayloadBuild",
        metadata: { name: NAME, namespace: ns },
        spec: {
          imageStream: "release",
          components: [component("base", CENTOS), component("cluster-version-operator", "base")],
          release: { name: RELEASE, to: `docker://${env.dockerRegistry.host}/${ns}/release` },
        },
      });
      return ns;
    }

    describe("release assembly against an integrated registry that reviews imagestreams/layers", () => {
      it("reads the components with the operator's ServiceAccount token and pushes the release", async () => {
        const ns = await createPayload("registry-auth");
        const status = await waitForStatus(
          env,
          operator,
          { namespace: ns, name: NAME },
          "Ready=True",
          (s) => hasCondition(s, "Ready", "True"),
          90_000,
        );
        expect(status.release?.digest).toMatch(/^sha256:/);
        const reads = (env.registryAccess?.decisions() ?? []).filter(
          (d) => d.user === OPERATOR_USER && d.namespace === ns,
        );
        expect(reads.length).toBeGreaterThan(0);
        expect(reads.every((d) => d.verb === "get" && d.name === "release" && d.allowed)).toBe(true);
      });

      it("without get imagestreams/layers: the status names the image, the registry's answer and the permission", async () => {
        const role = await env.client.get(CLUSTER_ROLES, { name: MANAGER_ROLE });
        const original = role["rules"] as Rule[];
        const reduced = withoutPermission(original, LAYERS);
        expect(reduced, `${LAYERS} is not in the ClusterRole`).not.toEqual(original);
        await env.client.replace(CLUSTER_ROLES, { ...role, rules: reduced });
        try {
          const ns = await createPayload("registry-denied");
          const refused = await waitForStatus(
            env,
            operator,
            { namespace: ns, name: NAME },
            "Degraded=True ReleaseFailed",
            (s) => s.conditions?.some((c) => c.type === "Degraded" && c.reason === "ReleaseFailed") === true,
            90_000,
          );
          const message = refused.conditions?.find((c) => c.type === "Degraded")?.message ?? "";
          const repository = `${env.registryAccess?.host ?? ""}/${ns}/release`;
          expect(message).toMatch(new RegExp(`cannot read image "[a-z-]+" \\(${escape(repository)}@sha256:`));
          expect(message).toContain(
            'the registry answered HTTP 401, UNAUTHORIZED: authentication required, error="access denied"',
          );
          expect(message).toContain(
            `get on imagestreams/layers (group image.openshift.io) in namespace ${ns}, resource name release`,
          );
          expect(message).toContain("operator's ServiceAccount token");
          expect(refused.release?.digest).toBeUndefined();
          const denied = (env.registryAccess?.decisions() ?? []).filter(
            (d) => d.user === OPERATOR_USER && d.namespace === ns,
          );
          expect(denied.some((d) => !d.allowed)).toBe(true);
          expect(operator.hasExited()).toBe(false);
          const current = await env.client.get(CLUSTER_ROLES, { name: MANAGER_ROLE });
          await env.client.replace(CLUSTER_ROLES, { ...current, rules: original });
          const done = await waitForStatus(
            env,
            operator,
            { namespace: ns, name: NAME },
            "Ready=True after the grant is restored",
            (s) => hasCondition(s, "Ready", "True"),
            120_000,
          );
          expect(done.release?.digest).toMatch(/^sha256:/);
        } finally {
          const current = await env.client.get(CLUSTER_ROLES, { name: MANAGER_ROLE });
          await env.client.replace(CLUSTER_ROLES, { ...current, rules: original });
        }
      }, 240_000);
    });

    function escape(text: string): string {
      return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    }
  },
);
