import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { promisify } from "node:util";
import { expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { operatorPermissions } from "../../../src/payload-build/operator-permissions.js";
import { policyRules } from "../../../src/install/rbac-manifests.js";
import { describeWithTools } from "../../support/required-tool.js";

const run = promisify(execFile);
const root = new URL("../../../", import.meta.url);

interface Doc {
  kind: string;
  metadata: { name: string; namespace?: string };
  [field: string]: unknown;
}

function documents(text: string): Doc[] {
  return parseAllDocuments(text)
    .map((d) => d.toJSON() as Doc | null)
    .filter((d): d is Doc => d !== null);
}

const keyOf = (d: Doc): string => `${d.kind}/${d.metadata.namespace ?? ""}/${d.metadata.name}`;

function byKey(docs: Doc[]): Map<string, Doc> {
  return new Map(docs.map((d) => [keyOf(d), d]));
}

describeWithTools(["kubectl"])("install bundle", () => {
  it("deploy/install.yaml holds the same objects as `kubectl kustomize config/default`", async () => {
    const bundle = documents(await readFile(new URL("deploy/install.yaml", root), "utf8"));
    const { stdout } = await run("kubectl", ["kustomize", "config/default"], {
      cwd: root,
      maxBuffer: 64 * 1024 * 1024,
    });
    const kustomized = documents(stdout);
    const ours = byKey(bundle);
    const theirs = byKey(kustomized);
    expect([...ours.keys()].sort()).toEqual([...theirs.keys()].sort());
    for (const [key, object] of ours) expect(object, key).toEqual(theirs.get(key));
  });

  it("installs the operator in its namespace, bound to its ClusterRole and leader election Role", async () => {
    const bundle = documents(await readFile(new URL("deploy/install.yaml", root), "utf8"));
    const namespace = "okd-payload-operator-system";
    expect(bundle[0]).toMatchObject({ kind: "Namespace", metadata: { name: namespace } });
    const deployment = bundle.find((d) => d.kind === "Deployment");
    expect(deployment?.metadata.namespace).toBe(namespace);
    const pod = (deployment?.["spec"] as { template: { spec: Record<string, unknown> } }).template.spec;
    const account = pod["serviceAccountName"];
    expect(bundle.some((d) => d.kind === "ServiceAccount" && d.metadata.name === account)).toBe(true);
    const container = (pod["containers"] as Record<string, unknown>[])[0];
    expect(container?.["args"]).toContain("--leader-elect");
    expect(container?.["image"]).toMatch(/^quay\.io\/okd\/okd-payload-operator:v\d+\.\d+\.\d+/);
    const clusterRole = bundle.find((d) => d.kind === "ClusterRole");
    const binding = bundle.find((d) => d.kind === "ClusterRoleBinding");
    expect(binding?.["roleRef"]).toMatchObject({ name: clusterRole?.metadata.name });
    expect(binding?.["subjects"]).toEqual([{ kind: "ServiceAccount", name: account, namespace }]);
    expect(clusterRole?.["rules"]).toEqual(policyRules(operatorPermissions(), "cluster"));
  });

  it("runs the operator non-root with probes on /healthz and /readyz and the metrics port it serves", async () => {
    const bundle = documents(await readFile(new URL("deploy/install.yaml", root), "utf8"));
    const deployment = bundle.find((d) => d.kind === "Deployment");
    const pod = (deployment?.["spec"] as { template: { spec: Record<string, unknown> } }).template.spec;
    expect(pod["securityContext"]).toMatchObject({ runAsNonRoot: true });
    const container = (pod["containers"] as Record<string, unknown>[])[0] ?? {};
    expect(container["securityContext"]).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"] },
    });
    expect(container["livenessProbe"]).toMatchObject({ httpGet: { path: "/healthz", port: "metrics" } });
    expect(container["readinessProbe"]).toMatchObject({ httpGet: { path: "/readyz", port: "metrics" } });
    expect(container["ports"]).toEqual([{ name: "metrics", containerPort: 8080, protocol: "TCP" }]);
    expect(container["args"]).toContain("--metrics-addr=:8080");
    expect(container["resources"]).toMatchObject({ requests: {}, limits: {} });
    const service = bundle.find((d) => d.kind === "Service");
    expect(service?.["spec"]).toMatchObject({ ports: [{ port: 8080, targetPort: "metrics" }] });
  });

  it("grants no wildcard and nothing cluster-wide on leases", () => {
    const rules = policyRules(operatorPermissions(), "cluster");
    for (const rule of rules) {
      expect(rule.verbs).not.toContain("*");
      expect(rule.resources).not.toContain("*");
      expect(rule.resources).not.toContain("leases");
    }
    expect(policyRules(operatorPermissions(), "operator-namespace")).toEqual([
      { apiGroups: ["coordination.k8s.io"], resources: ["leases"], verbs: ["create", "get", "update"] },
    ]);
  });
});
