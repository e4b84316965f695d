/**
 * RBAC learned from the real authorizer and admission chain: each test takes one permission out of
 * the operator's generated ClusterRole, sees the PayloadBuild report the refused write
 * (Degraded=True, reason WriteRefused, naming the verb, the resource and the server's message)
 * while the operator keeps running, then restores the ClusterRole and sees the build finish.
 * Covers a plain RBAC grant (create builds) and the grants only admission checks
 * (OwnerReferencesPermissionEnforcement: payloadbuilds/finalizers; OpenShift's BuildByStrategy:
 * builds/docker), so every such grant is proven needed rather than allowlisted.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
import { ADMISSION_CHECKED } from "./rbac-suite.js";
import { CONTROL_PLANE_TOOLS, describeWithTools } from "../support/required-tool.js";

describeWithTools([...CONTROL_PLANE_TOOLS, "docker-registry", "kubectl"])(
  "refused writes on the real control plane",
  () => {
    const NAME = "okd";

    let env: E2eEnvironment;
    let operator: OperatorProcess;

    beforeAll(async () => {
      env = await startE2eEnvironment({ speed: 20, plane: "real" });
      operator = await env.startOperator(["--leader-elect"]);
    }, 120_000);

    afterAll(async () => {
      await env?.stop();
    });

    async function setRules(rules: readonly Rule[]): Promise<void> {
      const role = await env.client.get(CLUSTER_ROLES, { name: MANAGER_ROLE });
      await env.client.replace(CLUSTER_ROLES, { ...role, rules });
    }

    describe.each([
      ["create build.openshift.io/builds", "create builds.build.openshift.io", "cannot create resource"],
      [ADMISSION_CHECKED[0] ?? "", "create builds.build.openshift.io", "blockOwnerDeletion"],
      [
        ADMISSION_CHECKED[1] ?? "",
        "create builds.build.openshift.io",
        "build strategy Docker is not allowed",
      ],
    ])("without %s", (permission, refusedWrite, serverSays) => {
      it("reports the refused write in Degraded, keeps running, and finishes once the grant is back", async () => {
        const original = (await env.client.get(CLUSTER_ROLES, { name: MANAGER_ROLE }))["rules"] as Rule[];
        const reduced = withoutPermission(original, permission);
        expect(reduced, `${permission} is not in the ClusterRole`).not.toEqual(original);
        await setRules(reduced);
        try {
          const ns = await createNamespace(env.client, "refused");
          await env.client.create(PAYLOAD_BUILDS, {
            apiVersion: "payload.okd.io/v1alpha1",
            kind: "PayloadBuild",
            metadata: { name: NAME, namespace: ns },
            spec: {
              imageStream: "release",
              components: [component("base", CENTOS), component("cluster-version-operator", "base")],
            },
          });
          const refused = await waitForStatus(
            env,
            operator,
            { namespace: ns, name: NAME },
            "Degraded=True",
            (s) => hasCondition(s, "Degraded", "True"),
          );
          const degraded = refused.conditions?.find((c) => c.type === "Degraded");
          expect(degraded?.reason).toBe("WriteRefused");
          expect(degraded?.message).toContain(`component base: ${refusedWrite}`);
          expect(degraded?.message).toContain("(403)");
          expect(degraded?.message).toContain(serverSays);
          expect(operator.hasExited()).toBe(false);
          await setRules(original);
          const done = await waitForStatus(
            env,
            operator,
            { namespace: ns, name: NAME },
            "Ready=True after the grant is restored",
            (s) => hasCondition(s, "Ready", "True"),
            90_000,
          );
          expect(done.conditions?.find((c) => c.type === "Degraded")?.status).toBe("False");
        } finally {
          await setRules(original);
        }
      }, 150_000);
    });
  },
);
