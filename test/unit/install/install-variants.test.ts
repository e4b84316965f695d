/**
 * The kustomize layout renders with kubectl's kustomize: the namespaced variant (Role and
 * RoleBinding, WATCH_NAMESPACE = the pod's namespace), config/prometheus and config/samples; the
 * Deployment's restricted security settings and environment as the operator reads them.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { operatorPermissions } from "../../../src/payload-build/operator-permissions.js";
import { policyRules } from "../../../src/install/rbac-manifests.js";
import { describeWithTools } from "../../support/required-tool.js";

const run = promisify(execFile);
const root = new URL("../../../", import.meta.url);

interface Doc {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

async function kustomize(dir: string): Promise<Doc[]> {
  const { stdout } = await run("kubectl", ["kustomize", dir], { cwd: root, maxBuffer: 64 * 1024 * 1024 });
  return parseAllDocuments(stdout)
    .map((d) => d.toJSON() as Doc | null)
    .filter((d): d is Doc => d !== null);
}

interface Container {
  env?: { name: string; value?: string; valueFrom?: unknown }[];
  securityContext?: unknown;
}

function managerContainer(docs: Doc[]): { pod: Record<string, unknown>; container: Container } {
  const deployment = docs.find((d) => d.kind === "Deployment");
  const pod = (deployment?.["spec"] as { template: { spec: Record<string, unknown> } }).template.spec;
  const container = (pod["containers"] as (Container & { name: string })[]).find((c) => c.name === "manager");
  if (container === undefined) throw new Error("no manager container");
  return { pod, container };
}

const podNamespace = { valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } };

describeWithTools(["kubectl"])("install variants (kubectl kustomize)", () => {
  it("config/default: watches every namespace, Lease in the pod's namespace, restricted pod security", async () => {
    const { pod, container } = managerContainer(await kustomize("config/default"));
    expect(container.env).toEqual([{ name: "WATCH_NAMESPACE" }, { name: "POD_NAMESPACE", ...podNamespace }]);
    expect(pod["securityContext"]).toEqual({
      runAsNonRoot: true,
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"] },
    });
  });

  it("config/namespaced: a Role and RoleBinding in place of the ClusterRole, watching its own namespace", async () => {
    const docs = await kustomize("config/namespaced");
    expect(docs.filter((d) => d.kind === "ClusterRole" || d.kind === "ClusterRoleBinding")).toEqual([]);
    const namespace = "okd-build";
    for (const d of docs.filter((o) => !["Namespace", "CustomResourceDefinition"].includes(o.kind))) {
      expect(d.metadata.namespace, `${d.kind}/${d.metadata.name}`).toBe(namespace);
    }
    const role = docs.find(
      (d) => d.kind === "Role" && d.metadata.name === "okd-payload-operator-manager-role",
    );
    expect(role?.["rules"]).toEqual(policyRules(operatorPermissions(), "cluster"));
    const binding = docs.find(
      (d) => d.kind === "RoleBinding" && d.metadata.name === "okd-payload-operator-manager-rolebinding",
    );
    expect(binding?.["roleRef"]).toEqual({
      apiGroup: "rbac.authorization.k8s.io",
      kind: "Role",
      name: "okd-payload-operator-manager-role",
    });
    expect(binding?.["subjects"]).toEqual([
      { kind: "ServiceAccount", name: "okd-payload-operator-controller-manager", namespace },
    ]);
    const { container } = managerContainer(docs);
    expect(container.env).toEqual([
      { name: "WATCH_NAMESPACE", ...podNamespace },
      { name: "POD_NAMESPACE", ...podNamespace },
    ]);
    expect(
      docs
        .filter((d) => d.kind === "CustomResourceDefinition")
        .map((d) => d.metadata.name)
        .sort(),
    ).toEqual(["payloadbuilds.payload.okd.io", "releasestreams.payload.okd.io"]);
  });

  it("config/prometheus: the ServiceMonitor selects the metrics Service of config/default", async () => {
    const [monitoring, installed] = await Promise.all([
      kustomize("config/prometheus"),
      kustomize("config/default"),
    ]);
    expect(monitoring.map((d) => d.kind).sort()).toEqual(["PrometheusRule", "ServiceMonitor"]);
    const monitor = monitoring.find((d) => d.kind === "ServiceMonitor");
    const service = installed.find((d) => d.kind === "Service");
    expect(monitor?.metadata.namespace).toBe(service?.metadata.namespace);
    const selector = (monitor?.["spec"] as { selector: { matchLabels: Record<string, string> } }).selector
      .matchLabels;
    expect(service?.metadata.labels).toMatchObject(selector);
    expect(monitor?.["spec"]).toMatchObject({ endpoints: [{ port: "metrics", path: "/metrics" }] });
  });

  it("config/samples: the sample PayloadBuild and ReleaseStream", async () => {
    const samples = await kustomize("config/samples");
    expect(samples.map((d) => `${d.kind}/${d.metadata.namespace}/${d.metadata.name}`).sort()).toEqual([
      "PayloadBuild/okd-build/okd-scos-4-17",
      "ReleaseStream/okd-build/okd-scos-4-17",
    ]);
  });
});
