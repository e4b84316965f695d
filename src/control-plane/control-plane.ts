/**
 * A real Kubernetes control plane for tests and the demo, in the shape of controller-runtime's
 * envtest (a test and demo tool like the dev cluster, not part of the operator): etcd,
 * kube-apiserver and (optionally) kube-controller-manager built from the upstream Go modules
 * (`npm run control-plane:build` puts them in `.tools/bin/`), on 127.0.0.1 with random ports,
 * RBAC on, `OwnerReferencesPermissionEnforcement` admission, an audit log of every request, and
 * the garbage-collector and namespace controllers. Stopped by PID, in reverse order.
 */
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import { parseAllDocuments } from "yaml";
import { createKubeClient, type KubeClient, type KubeObjectInput } from "../kube/kube-client.js";
import { isAlreadyExists } from "../kube/kube-errors.js";
import { kubeResource, NAMESPACES } from "../kube/resource.js";
import { packageRoot } from "../demo/package-root.js";
import { freePort, startProcess, waitUntilReady, type ManagedProcess } from "./child-process.js";
import { readAuditLog, type AuditRecord } from "./control-plane-audit.js";
import { ADMIN_USER, tokenKubeconfig, writeControlPlaneFiles } from "./control-plane-files.js";

/** Where the built binaries are: `$CONTROL_PLANE_BIN`, else `.tools/bin` of the repository. */
export function controlPlaneBinDir(): string {
  return process.env["CONTROL_PLANE_BIN"] ?? join(packageRoot(), ".tools/bin");
}

/** True when etcd, kube-apiserver and kube-controller-manager have been built. */
export function hasControlPlaneBinaries(): boolean {
  const dir = controlPlaneBinDir();
  return ["etcd", "kube-apiserver", "kube-controller-manager"].every((b) => existsSync(join(dir, b)));
}

/** Options of {@link startControlPlane}. */
export interface ControlPlaneOptions {
  /** Working directory (data, certificates, logs); default a new temp dir, removed by `stop`. */
  readonly dir?: string;
  /** Start kube-controller-manager (garbage collector and namespace controller); default true. */
  readonly controllerManager?: boolean;
  /** CRD files or directories installed (and waited for Established) before returning. */
  readonly crds?: readonly string[];
}

/** A running control plane. */
export interface ControlPlane {
  /** `https://127.0.0.1:<port>` */
  readonly url: string;
  /** PEM of the (self-signed) serving certificate clients trust. */
  readonly caPem: string;
  /** Admin (system:masters) kubeconfig file, and the same loaded. */
  readonly adminKubeconfigPath: string;
  readonly adminKubeConfig: KubeConfig;
  /** An admin client. */
  readonly client: KubeClient;
  /** kube-apiserver's `/version` gitVersion, e.g. `v1.37.2`. */
  readonly version: string;
  readonly auditLogPath: string;
  readonly dir: string;
  readonly processes: readonly ManagedProcess[];
  /** Every request the API server has logged so far. */
  auditRecords(): Promise<AuditRecord[]>;
  /** Creates the CRDs in these files/directories (idempotent) and waits until each is Established. */
  installCrds(paths: readonly string[]): Promise<void>;
  /**
   * A kubeconfig authenticating as ServiceAccount `namespace/name` (created with its namespace when
   * missing) with a token from the TokenRequest API, written to `file`; returns its text.
   */
  serviceAccountKubeconfig(namespace: string, name: string, file: string): Promise<string>;
  /** Stops kube-controller-manager, kube-apiserver, etcd (by PID) and removes a temp `dir`. */
  stop(): Promise<void>;
}

function binary(name: string): string {
  const path = join(controlPlaneBinDir(), name);
  if (!existsSync(path))
    throw new Error(
      `${path} is missing: run \`npm run control-plane:build\` (needs Go and the Go module proxy)`,
    );
  return path;
}

/** One HTTPS request; resolves with the status code and body. */
export function httpsRequest(
  method: string,
  url: string,
  options: {
    readonly ca?: string;
    readonly token?: string;
    readonly insecure?: boolean;
    readonly body?: unknown;
  } = {},
): Promise<{ status: number; body: string }> {
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        ...(options.ca === undefined ? {} : { ca: options.ca }),
        rejectUnauthorized: options.insecure !== true,
        headers: {
          ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }),
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        timeout: 5_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }),
        );
      },
    );
    req.on("timeout", () => req.destroy(new Error(`timeout: ${method} ${url}`)));
    req.on("error", reject);
    req.end(body);
  });
}

async function startEtcd(dir: string): Promise<{ process: ManagedProcess; url: string }> {
  const client = await freePort();
  const peer = await freePort();
  const url = `http://127.0.0.1:${client}`;
  const process = await startProcess(
    "etcd",
    binary("etcd"),
    [
      `--data-dir=${join(dir, "etcd")}`,
      `--listen-client-urls=${url}`,
      `--advertise-client-urls=${url}`,
      `--listen-peer-urls=http://127.0.0.1:${peer}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${peer}`,
      `--initial-cluster=default=http://127.0.0.1:${peer}`,
      "--unsafe-no-fsync=true",
      "--log-level=warn",
    ],
    join(dir, "etcd.log"),
  );
  await waitUntilReady(process, "GET /health", async () => {
    const res = await fetch(`${url}/health`);
    return res.ok && (await res.text()).includes('"true"');
  });
  return { process, url };
}

/** The kube-apiserver flags: envtest's, the offline fixes, RBAC, audit and admission. */
export function apiServerArgs(p: {
  readonly dir: string;
  readonly port: number;
  readonly etcd: string;
  readonly serviceAccountKey: string;
  readonly tokens: string;
  readonly auditPolicy: string;
  readonly auditLog: string;
}): string[] {
  return [
    `--etcd-servers=${p.etcd}`,
    "--bind-address=127.0.0.1",
    "--advertise-address=127.0.0.1",
    `--secure-port=${p.port}`,
    `--cert-dir=${join(p.dir, "pki")}`,
    `--token-auth-file=${p.tokens}`,
    "--authorization-mode=RBAC",
    "--enable-admission-plugins=OwnerReferencesPermissionEnforcement",
    "--disable-admission-plugins=ServiceAccount",
    "--service-cluster-ip-range=10.0.0.0/24",
    `--service-account-issuer=https://127.0.0.1:${p.port}`,
    `--service-account-key-file=${p.serviceAccountKey}`,
    `--service-account-signing-key-file=${p.serviceAccountKey}`,
    "--endpoint-reconciler-type=none",
    "--allow-privileged=true",
    `--audit-policy-file=${p.auditPolicy}`,
    `--audit-log-path=${p.auditLog}`,
    "--audit-log-format=json",
    "--audit-log-mode=blocking",
    "--audit-log-maxsize=0",
  ];
}

/** Starts etcd, kube-apiserver and kube-controller-manager; see {@link ControlPlaneOptions}. */
export async function startControlPlane(options: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), "control-plane-")));
  await mkdir(join(dir, "pki"), { recursive: true });
  const processes: ManagedProcess[] = [];
  const stop = async (): Promise<void> => {
    for (const p of [...processes].reverse()) await p.stop().catch(() => undefined);
    if (ownDir) await rm(dir, { recursive: true, force: true });
  };
  try {
    const files = await writeControlPlaneFiles(dir);
    const etcd = await startEtcd(dir);
    processes.push(etcd.process);
    const port = await freePort();
    const url = `https://127.0.0.1:${port}`;
    const auditLogPath = join(dir, "audit.log");
    const apiServer = await startProcess(
      "kube-apiserver",
      binary("kube-apiserver"),
      apiServerArgs({ dir, port, etcd: etcd.url, auditLog: auditLogPath, ...files }),
      join(dir, "kube-apiserver.log"),
    );
    processes.push(apiServer);
    const certFile = join(dir, "pki", "apiserver.crt");
    let caPem = "";
    await waitUntilReady(apiServer, "GET /readyz", async () => {
      if (caPem === "") caPem = await readFile(certFile, "utf8").catch(() => "");
      if (caPem === "") return false;
      return (
        (await httpsRequest("GET", `${url}/readyz`, { ca: caPem, token: files.adminToken })).status === 200
      );
    });
    const adminKubeconfigPath = join(dir, "admin.kubeconfig");
    const adminYaml = tokenKubeconfig(url, caPem, files.adminToken, ADMIN_USER);
    await writeFile(adminKubeconfigPath, adminYaml, { mode: 0o600 });
    const adminKubeConfig = new KubeConfig();
    adminKubeConfig.loadFromString(adminYaml);
    const client = createKubeClient(adminKubeConfig, { requestTimeoutMs: 15_000 });
    const version = JSON.parse((await httpsRequest("GET", `${url}/version`, { ca: caPem })).body) as {
      gitVersion?: string;
    };
    const plane: ControlPlane = {
      url,
      caPem,
      adminKubeconfigPath,
      adminKubeConfig,
      client,
      version: version.gitVersion ?? "unknown",
      auditLogPath,
      dir,
      processes,
      auditRecords: () => readAuditLog(auditLogPath),
      installCrds: (paths) => installCrds(client, paths),
      serviceAccountKubeconfig: async (namespace, name, file) => {
        const token = await serviceAccountToken(client, namespace, name, (path, body) =>
          httpsRequest("POST", `${url}${path}`, { ca: caPem, token: files.adminToken, body }),
        );
        const text = tokenKubeconfig(
          url,
          caPem,
          token,
          `system:serviceaccount:${namespace}:${name}`,
          namespace,
        );
        await writeFile(file, text, { mode: 0o600 });
        return text;
      },
      stop,
    };
    if (options.crds !== undefined) await plane.installCrds(options.crds);
    if (options.controllerManager !== false)
      processes.push(await startControllerManager(dir, adminKubeconfigPath));
    return plane;
  } catch (error) {
    await stop();
    throw error;
  }
}

async function startControllerManager(dir: string, kubeconfig: string): Promise<ManagedProcess> {
  const port = await freePort();
  const kcm = await startProcess(
    "kube-controller-manager",
    binary("kube-controller-manager"),
    [
      `--kubeconfig=${kubeconfig}`,
      "--controllers=garbage-collector-controller,namespace-controller",
      "--leader-elect=false",
      "--bind-address=127.0.0.1",
      `--secure-port=${port}`,
      `--cert-dir=${join(dir, "kcm-pki")}`,
      "--concurrent-gc-syncs=5",
    ],
    join(dir, "kube-controller-manager.log"),
  );
  await waitUntilReady(kcm, "GET /healthz", async () => {
    return (
      (await httpsRequest("GET", `https://127.0.0.1:${port}/healthz`, { insecure: true })).status === 200
    );
  });
  return kcm;
}

const SERVICE_ACCOUNTS = kubeResource({
  group: "",
  version: "v1",
  plural: "serviceaccounts",
  kind: "ServiceAccount",
  namespaced: true,
});
const CRDS = kubeResource({
  group: "apiextensions.k8s.io",
  version: "v1",
  plural: "customresourcedefinitions",
  kind: "CustomResourceDefinition",
  namespaced: false,
});

async function createIfMissing(create: () => Promise<unknown>): Promise<void> {
  try {
    await create();
  } catch (error) {
    if (!isAlreadyExists(error)) throw error;
  }
}

async function serviceAccountToken(
  client: KubeClient,
  namespace: string,
  name: string,
  post: (path: string, body: unknown) => Promise<{ status: number; body: string }>,
): Promise<string> {
  await createIfMissing(() =>
    client.create(NAMESPACES, { apiVersion: "v1", kind: "Namespace", metadata: { name: namespace } }),
  );
  await createIfMissing(() =>
    client.create(SERVICE_ACCOUNTS, {
      apiVersion: "v1",
      kind: "ServiceAccount",
      metadata: { name, namespace },
    }),
  );
  const response = await post(`/api/v1/namespaces/${namespace}/serviceaccounts/${name}/token`, {
    apiVersion: "authentication.k8s.io/v1",
    kind: "TokenRequest",
    spec: { expirationSeconds: 86_400 },
  });
  const token =
    response.status === 201
      ? (JSON.parse(response.body) as { status?: { token?: string } }).status?.token
      : undefined;
  if (token === undefined)
    throw new Error(
      `TokenRequest for ServiceAccount ${namespace}/${name}: ${response.status} ${response.body}`,
    );
  return token;
}

async function crdDocuments(paths: readonly string[]): Promise<KubeObjectInput[]> {
  const files: string[] = [];
  for (const p of paths) {
    if ((await stat(p)).isDirectory())
      files.push(
        ...(await readdir(p))
          .filter((n) => /\.ya?ml$/.test(n))
          .sort()
          .map((n) => join(p, n)),
      );
    else files.push(p);
  }
  const docs: KubeObjectInput[] = [];
  for (const file of files)
    for (const doc of parseAllDocuments(await readFile(file, "utf8"))) {
      const value: unknown = doc.toJSON();
      if (
        typeof value === "object" &&
        value !== null &&
        (value as { kind?: unknown }).kind === "CustomResourceDefinition"
      )
        docs.push(value as KubeObjectInput);
    }
  return docs;
}

async function installCrds(client: KubeClient, paths: readonly string[]): Promise<void> {
  const docs = await crdDocuments(paths);
  await Promise.all(docs.map((doc) => createIfMissing(() => client.create(CRDS, doc))));
  const names = docs.map((d) => d.metadata.name ?? "");
  const deadline = Date.now() + 30_000;
  for (const name of names) {
    for (;;) {
      const crd = await client.get(CRDS, { name });
      const conditions =
        (crd["status"] as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? [];
      if (conditions.some((c) => c.type === "Established" && c.status === "True")) break;
      if (Date.now() > deadline)
        throw new Error(`CRD ${name} not Established after 30 s: ${JSON.stringify(conditions)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
