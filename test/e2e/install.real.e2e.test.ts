/**
 * The install bundles on the real kube-apiserver (etcd + kube-apiserver + kube-controller-manager
 * built from upstream): every object of `deploy/install.yaml` passes `kubectl apply --server-side
 * --dry-run=server` in a namespace enforcing the restricted Pod Security Standard; the namespaced
 * variant `config/namespaced` installs for real (its Deployment's Pod admitted under `restricted`),
 * and the operator, run as that ServiceAccount with the Deployment's own environment and arguments,
 * works in its namespace with only the Role: it reconciles a PayloadBuild there, holds its Lease
 * there, is never refused, and never reaches another namespace.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { parseAllDocuments, stringify } from "yaml";
import { startOperatorProcess, type OperatorProcess } from "../../src/demo/operator-process.js";
import { startControlPlane, type ControlPlane } from "../support/control-plane.js";
import { CONTROL_PLANE_TOOLS, describeWithTools } from "../support/required-tool.js";
import { eventually, waitFor } from "../support/wait-for.js";

const execFileAsync = promisify(execFile);
const ROOT = resolve(import.meta.dirname, "../..");
const NAMESPACE = "okd-build";
const ELSEWHERE = "other-builds";
const SERVICE_ACCOUNT = "okd-payload-operator-controller-manager";
const OPERATOR_USER = `system:serviceaccount:${NAMESPACE}:${SERVICE_ACCOUNT}`;

interface Doc {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  [field: string]: unknown;
}

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { fieldRef?: { fieldPath: string } };
}

interface PodSpec {
  securityContext: Record<string, unknown>;
  containers: { name: string; args: string[]; env: EnvVar[] }[];
}

function documents(text: string): Doc[] {
  return parseAllDocuments(text)
    .map((d) => d.toJSON() as Doc | null)
    .filter((d): d is Doc => d !== null);
}

/** Labels of a namespace that enforces (and warns about) the restricted Pod Security Standard. */
const RESTRICTED = ["enforce", "warn", "audit"].map(
  (mode) => `pod-security.kubernetes.io/${mode}=restricted`,
);

describeWithTools([...CONTROL_PLANE_TOOLS, "kubectl"])("install bundles on the real kube-apiserver", () => {
  let work = "";
  let plane: ControlPlane | undefined;
  let operator: OperatorProcess | undefined;

  function kubectl(args: readonly string[], input?: string): Promise<{ stdout: string; stderr: string }> {
    if (plane === undefined) throw new Error("no control plane");
    const child = execFileAsync("kubectl", ["--kubeconfig", plane.adminKubeconfigPath, ...args], {
      cwd: ROOT,
      maxBuffer: 64 * 1024 * 1024,
    });
    if (input !== undefined) child.child.stdin?.end(input);
    return child;
  }

  /**
   * Creates namespace `name` enforcing the restricted Pod Security Standard (created and labelled by
   * kubectl's imperative commands, so a later server-side apply of the bundle's Namespace keeps the labels).
   */
  async function createRestrictedNamespace(name: string): Promise<void> {
    await kubectl(["create", "namespace", name]);
    await kubectl(["label", "namespace", name, ...RESTRICTED]);
  }

  async function getJson(args: readonly string[]): Promise<Record<string, unknown> | undefined> {
    try {
      return JSON.parse((await kubectl(["get", ...args, "-o", "json"])).stdout) as Record<string, unknown>;
    } catch {
      return undefined;
    }
  }

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "install-real-"));
    plane = await startControlPlane({ dir: join(work, "control-plane") });
  }, 180_000);

  afterAll(async () => {
    await operator?.stop();
    await plane?.stop();
    if (work !== "") await rm(work, { recursive: true, force: true });
  }, 60_000);

  it("every object of deploy/install.yaml passes kubectl apply --server-side --dry-run=server, the Deployment under the restricted Pod Security Standard", async () => {
    const bundle = documents(await readFile(join(ROOT, "deploy/install.yaml"), "utf8"));
    const namespace = bundle.find((d) => d.kind === "Namespace")?.metadata.name ?? "";
    // a dry run creates nothing, so the namespaced objects need their namespace first
    await createRestrictedNamespace(namespace);
    const { stdout, stderr } = await kubectl([
      "apply",
      "--server-side",
      "--dry-run=server",
      "-f",
      "deploy/install.yaml",
    ]);
    const applied = stdout
      .split("\n")
      .filter((line) => line.endsWith(" serverside-applied (server dry run)"));
    expect(applied).toHaveLength(bundle.length);
    for (const object of bundle) {
      expect(
        applied.some((line) => line.includes(`/${object.metadata.name} `)),
        `${object.kind}/${object.metadata.name}`,
      ).toBe(true);
    }
    expect(stderr).not.toMatch(/would violate PodSecurity/);
  });

  it("config/namespaced installs for real and the operator works in its namespace with only the Role", async () => {
    if (plane === undefined) throw new Error("no control plane");
    // Builds, ImageStreams and Shipwright's kinds, and OpenShift's BuildByStrategy admission, as the e2e environment has them
    await plane.installCrds([join(ROOT, "test/control-plane/crds")]);
    await kubectl(["apply", "-f", "test/control-plane/admission/build-by-strategy.yaml"]);
    await createRestrictedNamespace(NAMESPACE);
    const rendered = (await kubectl(["kustomize", "config/namespaced"])).stdout;
    const install = documents(rendered);
    expect(install.some((d) => d.kind === "ClusterRole" || d.kind === "ClusterRoleBinding")).toBe(false);
    const renderedFile = join(work, "namespaced.yaml");
    await writeFile(renderedFile, rendered);
    const applied = await kubectl(["apply", "--server-side", "-f", renderedFile]);
    expect(applied.stderr).not.toMatch(/would violate PodSecurity/);
    await plane.installCrds([join(ROOT, "crds")]);

    // the Deployment's Pod passes the restricted Pod Security admission (this control plane runs no
    // Deployment controller or kubelet, so its Pod is created here, as a server dry run), and
    // the same Pod without its seccomp profile does not: the namespace really enforces it
    const deployment = install.find((d) => d.kind === "Deployment");
    const podSpec = (deployment?.["spec"] as { template: { spec: PodSpec } }).template.spec;
    const pod = (spec: unknown): string =>
      stringify({
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "manager-pod", namespace: NAMESPACE },
        spec,
      });
    const admitted = await kubectl(["create", "--dry-run=server", "-f", "-"], pod(podSpec));
    expect(admitted.stdout).toContain("pod/manager-pod created (server dry run)");
    const { seccompProfile: _dropped, ...withoutSeccomp } = podSpec.securityContext;
    const podRefused = await kubectl(
      ["create", "--dry-run=server", "-f", "-"],
      pod({ ...podSpec, securityContext: withoutSeccomp }),
    ).then(
      () => "",
      (e: { stderr?: string }) => e.stderr ?? "",
    );
    expect(podRefused).toMatch(/violates PodSecurity "restricted:latest": seccompProfile/);

    // the ServiceAccount may act in its namespace only
    const canI = async (...args: string[]): Promise<string> =>
      (
        await kubectl(["auth", "can-i", ...args, "--as", OPERATOR_USER]).catch((e: { stdout?: string }) => ({
          stdout: e.stdout ?? "",
        }))
      ).stdout.trim();
    expect(await canI("list", "payloadbuilds.payload.okd.io", "-n", NAMESPACE)).toBe("yes");
    expect(await canI("list", "payloadbuilds.payload.okd.io", "--all-namespaces")).toBe("no");
    expect(await canI("create", "builds.build.openshift.io", "-n", ELSEWHERE)).toBe("no");

    // the operator as the Deployment runs it: its arguments and environment (fieldRefs resolved), its ServiceAccount
    const container = podSpec.containers.find((c) => c.name === "manager");
    if (container === undefined) throw new Error("no manager container in config/namespaced");
    const env = container.env.map((v) => {
      if (v.valueFrom?.fieldRef?.fieldPath === "metadata.namespace") return `${v.name}=${NAMESPACE}`;
      if (v.value !== undefined) return `${v.name}=${v.value}`;
      throw new Error(`env ${v.name}: cannot resolve ${JSON.stringify(v.valueFrom)}`);
    });
    expect(env).toEqual([`WATCH_NAMESPACE=${NAMESPACE}`, `POD_NAMESPACE=${NAMESPACE}`]);
    const kubeconfig = join(work, "operator.kubeconfig");
    await plane.serviceAccountKubeconfig(NAMESPACE, SERVICE_ACCOUNT, kubeconfig);
    const started = new Date().toISOString();
    operator = await startOperatorProcess({
      payloadctl: ["env", ...env, process.execPath, "--import", "tsx", join(ROOT, "src/cli/payloadctl.ts")],
      kubeconfig,
      cwd: ROOT,
      logFile: join(work, "operator.log"),
      // the Deployment's arguments; the metrics port moved off :8080 (last flag wins)
      args: [...container.args, "--metrics-addr", "127.0.0.1:0"],
    });

    // the sample PayloadBuild in its namespace, and the same in another namespace
    await kubectl(["create", "namespace", ELSEWHERE]);
    const sample = (await readFile(join(ROOT, "config/samples/payloadbuild.yaml"), "utf8")).replace(
      /docker:\/\/quay\.io\/example\/okd-scos-release/,
      "docker://127.0.0.1:1/okd-build/okd-release",
    );
    await kubectl(["apply", "-f", "-"], sample);
    await kubectl(
      ["apply", "-n", ELSEWHERE, "-f", "-"],
      sample.replace(`namespace: ${NAMESPACE}`, `namespace: ${ELSEWHERE}`),
    );

    const status = await waitFor(
      async () => {
        if (operator?.hasExited() === true)
          throw new Error(`the operator exited:\n${await operator.tail(30)}`);
        const pb = await getJson(["payloadbuild", "okd-scos-4-17", "-n", NAMESPACE]);
        const s = pb?.["status"] as { observedGeneration?: number; phase?: string } | undefined;
        return s?.observedGeneration === 1 && s.phase === "Building" ? s : undefined;
      },
      "the PayloadBuild in okd-build reconciled to Building",
      90_000,
      250,
    );
    expect(status.phase).toBe("Building");
    await eventually(
      async () =>
        (
          ((await getJson(["builds.build.openshift.io", "-n", NAMESPACE]))?.["items"] as
            unknown[] | undefined) ?? []
        ).length > 0,
      "the operator's first Builds in okd-build",
      60_000,
      250,
    );
    const lease = await getJson(["lease", "payload-operator", "-n", NAMESPACE]);
    expect((lease?.["spec"] as { holderIdentity?: string } | undefined)?.holderIdentity).toBeTruthy();

    const elsewhere = await getJson(["payloadbuild", "okd-scos-4-17", "-n", ELSEWHERE]);
    expect(elsewhere?.["status"]).toBeUndefined();
    expect(
      ((await getJson(["builds.build.openshift.io", "-n", ELSEWHERE]))?.["items"] as unknown[]) ?? [],
    ).toEqual([]);

    // every request of the operator: in its namespace (or discovery), and none refused
    const requests = (await plane.auditRecords()).filter(
      (r) => r.user === OPERATOR_USER && r.time >= started,
    );
    expect(requests.length).toBeGreaterThan(0);
    const refused = requests.filter((r) => r.code === 401 || r.code === 403);
    expect(refused.map((r) => `${r.verb} ${r.path} ${r.code}`)).toEqual([]);
    const outside = requests.filter((r) => r.resource !== "" && r.namespace !== NAMESPACE);
    expect(outside.map((r) => `${r.verb} ${r.path}`)).toEqual([]);
  }, 300_000);
});
