/**
 * The real control plane the other tests run on, held to what it promises: the upstream version,
 * RBAC enforced for a ServiceAccount (its TokenRequest token works, an ungranted verb is a 403),
 * OwnerReferencesPermissionEnforcement admission, every request in the audit log with its user,
 * garbage collection by kube-controller-manager, and `npm run control-plane` in the foreground:
 * a kubeconfig kubectl can use, all three processes stopped on Ctrl-C.
 */
import { execFile, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startControlPlane, type ControlPlane } from "../../../src/control-plane/control-plane.js";
import { createKubeClient } from "../../../src/kube/kube-client.js";
import { CONFIG_MAPS, kubeResource } from "../../../src/kube/resource.js";
import { waitFor } from "../../support/wait-for.js";
import { CONTROL_PLANE_TOOLS, describeWithTools } from "../../support/required-tool.js";

describeWithTools([...CONTROL_PLANE_TOOLS, "kubectl"])("the control plane binaries", () => {
  const run = promisify(execFile);
  const ROOT = new URL("../../../", import.meta.url).pathname;
  const ROLES = kubeResource({
    group: "rbac.authorization.k8s.io",
    version: "v1",
    plural: "roles",
    kind: "Role",
    namespaced: true,
  });
  const ROLE_BINDINGS = kubeResource({
    group: "rbac.authorization.k8s.io",
    version: "v1",
    plural: "rolebindings",
    kind: "RoleBinding",
    namespaced: true,
  });

  let plane: ControlPlane;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "control-plane-test-"));
    plane = await startControlPlane({ dir: join(dir, "plane") });
  }, 60_000);

  afterAll(async () => {
    await plane?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  describe("the real control plane", () => {
    it("reports the upstream release it was built from", () => {
      expect(plane.version).toBe("v1.37.2");
    });

    it("authenticates a ServiceAccount by TokenRequest token and enforces RBAC on it, recording both in the audit log", async () => {
      const file = join(dir, "sa.kubeconfig");
      const kubeConfig = new KubeConfig();
      kubeConfig.loadFromString(await plane.serviceAccountKubeconfig("rbac-check", "worker", file));
      const worker = createKubeClient(kubeConfig);
      const configMap = {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "c", namespace: "rbac-check" },
      };
      const refused = await worker.create(CONFIG_MAPS, configMap).then(
        () => undefined,
        (e: unknown) => e as { code?: number; message?: string },
      );
      expect(refused?.code).toBe(403);
      expect(refused?.message).toContain(
        'User "system:serviceaccount:rbac-check:worker" cannot create resource "configmaps"',
      );
      await plane.client.create(ROLES, {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "Role",
        metadata: { name: "cm", namespace: "rbac-check" },
        rules: [{ apiGroups: [""], resources: ["configmaps"], verbs: ["create"] }],
      });
      await plane.client.create(ROLE_BINDINGS, {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "RoleBinding",
        metadata: { name: "cm", namespace: "rbac-check" },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "cm" },
        subjects: [{ kind: "ServiceAccount", name: "worker", namespace: "rbac-check" }],
      });
      await waitFor(
        () =>
          worker.create(CONFIG_MAPS, configMap).then(
            () => true,
            () => undefined,
          ),
        "the Role to take effect",
        10_000,
      );
      const records = (await plane.auditRecords()).filter(
        (r) => r.user === "system:serviceaccount:rbac-check:worker" && r.resource === "configmaps",
      );
      expect(records.map((r) => r.code)).toContain(403);
      expect(records.at(-1)).toMatchObject({ verb: "create", namespace: "rbac-check", code: 201 });
    });

    it("enforces OwnerReferencesPermissionEnforcement and garbage-collects dependents of a deleted owner", async () => {
      const ns = "gc-check";
      const kubeConfig = new KubeConfig();
      kubeConfig.loadFromString(
        await plane.serviceAccountKubeconfig(ns, "creator", join(dir, "creator.kubeconfig")),
      );
      await plane.client.create(ROLES, {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "Role",
        metadata: { name: "cm", namespace: ns },
        rules: [{ apiGroups: [""], resources: ["configmaps"], verbs: ["create", "get"] }],
      });
      await plane.client.create(ROLE_BINDINGS, {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "RoleBinding",
        metadata: { name: "cm", namespace: ns },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "cm" },
        subjects: [{ kind: "ServiceAccount", name: "creator", namespace: ns }],
      });
      const owner = await plane.client.create(CONFIG_MAPS, {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "owner", namespace: ns },
      });
      const dependent = (blockOwnerDeletion: boolean) => ({
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: {
          name: blockOwnerDeletion ? "blocking" : "dependent",
          namespace: ns,
          ownerReferences: [
            {
              apiVersion: "v1",
              kind: "ConfigMap",
              name: "owner",
              uid: owner.metadata.uid ?? "",
              blockOwnerDeletion,
            },
          ],
        },
      });
      const creator = createKubeClient(kubeConfig);
      await waitFor(
        () =>
          creator.create(CONFIG_MAPS, dependent(false)).then(
            () => true,
            () => undefined,
          ),
        "the Role to take effect",
        10_000,
      );
      const refused = await creator.create(CONFIG_MAPS, dependent(true)).then(
        () => undefined,
        (e: unknown) => e as { code?: number; message?: string },
      );
      expect(refused?.code).toBe(403);
      expect(refused?.message).toContain("cannot set blockOwnerDeletion");
      await plane.client.delete(CONFIG_MAPS, { namespace: ns, name: "owner" });
      await waitFor(
        () =>
          plane.client.get(CONFIG_MAPS, { namespace: ns, name: "dependent" }).then(
            () => undefined,
            () => true,
          ),
        "the garbage collector to delete the dependent",
        45_000,
      );
    }, 60_000);
  });

  describe("npm run control-plane", () => {
    it("runs in the foreground, writes a kubeconfig kubectl can use, and stops all three processes on Ctrl-C", async () => {
      const kubeconfig = join(dir, "fg.kubeconfig");
      const child = spawn(
        process.execPath,
        ["--import", "tsx", "scripts/control-plane.ts", "--kubeconfig", kubeconfig],
        {
          cwd: ROOT,
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
      let output = "";
      child.stdout.on("data", (c: Buffer) => (output += c.toString()));
      child.stderr.on("data", (c: Buffer) => (output += c.toString()));
      const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
      await waitFor(
        () => Promise.resolve(output.includes("Ctrl-C stops it") ? true : undefined),
        "the control plane to be ready",
        60_000,
      );
      expect(output).toMatch(/kube-apiserver v1\.37\.2 at https:\/\/127\.0\.0\.1:\d+/);
      const pids = [...output.matchAll(/(etcd|kube-apiserver|kube-controller-manager) pid (\d+)/g)].map((m) =>
        Number(m[2]),
      );
      expect(pids).toHaveLength(3);
      const { stdout } = await run("kubectl", ["--kubeconfig", kubeconfig, "get", "--raw", "/version"]);
      expect(JSON.parse(stdout)).toMatchObject({ gitVersion: "v1.37.2" });
      const crds = await run("kubectl", ["--kubeconfig", kubeconfig, "get", "crd", "-o", "name"]);
      expect(crds.stdout).toContain("payloadbuilds.payload.okd.io");
      expect(crds.stdout).toContain("builds.build.openshift.io");
      child.kill("SIGINT");
      expect(await exited).toBe(0);
      const alive = pids.filter((pid) => {
        try {
          process.kill(pid, 0);
          return true;
        } catch {
          return false;
        }
      });
      expect(alive).toEqual([]);
    }, 120_000);
  });
});
