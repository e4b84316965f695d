/**
 * Refused writes next to accepted ones, on the real control plane: a ValidatingAdmissionPolicy
 * refuses the Build of one component (`cli`) while the others' Builds are accepted. The PayloadBuild
 * says so in `Degraded=True` `WriteRefused` (verb, resource, object, code, the policy's message),
 * records the writes that succeeded (the accepted components' attempts and Builds, in its status and
 * in the audit log, made once each) instead of throwing the whole reconcile away, keeps building
 * what it may, and finishes once the policy is gone. `rbac-refusals.real.e2e.test.ts` covers the
 * same for a grant missing from the ClusterRole and the admission-checked grants.
 */
import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { OperatorProcess } from "../../src/demo/operator-process.js";
import { PAYLOAD_BUILDS } from "../../src/payload-build/payload-build-controller.js";
import { creationsByName } from "../reliability/audit-checks.js";
import { CONTROL_PLANE_TOOLS, describeWithTools } from "../support/required-tool.js";
import {
  CENTOS,
  component,
  createNamespace,
  hasCondition,
  startE2eEnvironment,
  waitFor,
  waitForStatus,
  type E2eEnvironment,
} from "./e2e-harness.js";

const run = promisify(execFile);
const NAME = "okd";
const POLICY = "freeze-cli-builds.test.payload.okd.io";

function policyYaml(namespace: string): string {
  return `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: ${POLICY}
spec:
  failurePolicy: Fail
  matchConstraints:
    resourceRules:
      - apiGroups: ["build.openshift.io"]
        apiVersions: ["v1"]
        operations: ["CREATE"]
        resources: ["builds"]
  matchConditions:
    - name: this-namespace
      expression: "request.namespace == '${namespace}'"
  validations:
    - expression: "!object.metadata.name.startsWith('${NAME}-cli-')"
      message: "cli builds are frozen for the release branch"
      reason: Forbidden
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: ${POLICY}
spec:
  policyName: ${POLICY}
  validationActions: ["Deny"]
`;
}

describeWithTools([...CONTROL_PLANE_TOOLS, "docker-registry", "kubectl"])(
  "a write refused by admission",
  () => {
    let env: E2eEnvironment;
    let operator: OperatorProcess;
    const kubectl = (...args: string[]) => run("kubectl", ["--kubeconfig", env.kubeconfigPath, ...args]);

    /** Waits until the API server enforces the policy (a server-side dry run of a cli Build is refused). */
    const enforced = async (namespace: string) => {
      const probe = join(env.work, "probe-build.json");
      await writeFile(
        probe,
        JSON.stringify({
          apiVersion: "build.openshift.io/v1",
          kind: "Build",
          metadata: { name: `${NAME}-cli-probe`, namespace },
          spec: {
            strategy: { type: "Docker", dockerStrategy: {} },
            source: { type: "Dockerfile", dockerfile: "FROM scratch" },
          },
        }),
      );
      await waitFor(
        () =>
          kubectl("create", "--dry-run=server", "-f", probe).then(
            () => undefined,
            (e: unknown) => {
              if (String(e).includes("frozen")) return true;
              throw e;
            },
          ),
        "the admission policy to be enforced",
      );
    };

    beforeAll(async () => {
      env = await startE2eEnvironment({ speed: 20, plane: "real" });
      operator = await env.startOperator([]);
    }, 120_000);

    afterAll(async () => {
      await env?.stop();
    });

    it("is named in Degraded while the accepted writes are recorded, and the build finishes once allowed", async () => {
      const ns = await createNamespace(env.client, "refused-one");
      const policy = join(env.work, "policy.yaml");
      await writeFile(policy, policyYaml(ns));
      await kubectl("apply", "-f", policy);
      await enforced(ns);
      const mark = (await env.operatorRequests()).length;
      await env.client.create(PAYLOAD_BUILDS, {
        apiVersion: "payload.okd.io/v1alpha1",
        kind: "PayloadBuild",
        metadata: { name: NAME, namespace: ns },
        spec: {
          imageStream: "release",
          components: [
            component("base", CENTOS),
            component("cli", CENTOS),
            component("cluster-version-operator", "base"),
          ],
        },
      });
      const where = { namespace: ns, name: NAME };
      // The policy takes a moment to be enforced after it is created; the refusal then comes.
      const refused = await waitForStatus(
        env,
        operator,
        where,
        "Degraded=True with base's and the cluster-version-operator's builds started",
        (s) =>
          hasCondition(s, "Degraded", "True") &&
          ["base", "cluster-version-operator"].every((n) =>
            (s.components ?? []).some((c) => c.name === n && (c.attempts ?? 0) >= 1),
          ),
        90_000,
      );
      const degraded = refused.conditions?.find((c) => c.type === "Degraded");
      expect(degraded?.reason).toBe("WriteRefused");
      expect(degraded?.message).toContain(`component cli: create builds.build.openshift.io "${NAME}-cli-1"`);
      expect(degraded?.message).toMatch(/refused by the API server \(4\d\d\)/);
      expect(degraded?.message).toContain("cli builds are frozen for the release branch");
      expect(degraded?.message).not.toContain("component base");
      const cli = refused.components?.find((c) => c.name === "cli");
      expect(cli?.state, JSON.stringify(cli)).toBe("Waiting");
      expect(cli?.attempts ?? 0, "a refused create is not an attempt").toBe(0);
      const base = refused.components?.find((c) => c.name === "base");
      expect(base?.build).toBe(`${NAME}-base-1`);
      expect(operator.hasExited()).toBe(false);

      await kubectl("delete", "-f", policy);
      const done = await waitForStatus(
        env,
        operator,
        where,
        "Ready=True once the policy is gone",
        (s) => hasCondition(s, "Ready", "True"),
        90_000,
      );
      expect(done.conditions?.find((c) => c.type === "Degraded")?.status).toBe("False");
      expect(done.components?.find((c) => c.name === "cli")?.attempts).toBe(1);
      const requests = (await env.operatorRequests()).slice(mark);
      expect(Object.fromEntries(creationsByName(requests, ns))).toEqual({
        [`${NAME}-base-1`]: 1,
        [`${NAME}-cli-1`]: 1,
        [`${NAME}-cluster-version-operator-1`]: 1,
      });
      const refusedCreates = requests.filter(
        (e) => e.verb === "create" && e.resource === "builds" && e.name === `${NAME}-cli-1` && e.code >= 400,
      );
      expect(refusedCreates.length, "the refused create was tried").toBeGreaterThan(0);
    }, 240_000);
  },
);
