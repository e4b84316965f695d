/**
 * The files a real control plane is started with: the service-account signing key, the static
 * token file, the audit policy and kubeconfigs. Pure Node (no openssl): kube-apiserver self-signs
 * its serving certificate into `--cert-dir`, and clients trust that file.
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { stringify } from "yaml";

/** The user the admin token authenticates as (group `system:masters`, which RBAC lets do anything). */
export const ADMIN_USER = "admin";

/**
 * The audit policy: one event per request at `Metadata` level (user, user agent, verb, resource,
 * subresource, namespace, name, response code). `RequestReceived` is omitted; long-running requests
 * (watches) also log `ResponseStarted`, so an open watch is visible before it ends.
 */
export const AUDIT_POLICY = {
  apiVersion: "audit.k8s.io/v1",
  kind: "Policy",
  omitStages: ["RequestReceived"],
  rules: [{ level: "Metadata" }],
};

/** Paths of the written files. */
export interface ControlPlaneFiles {
  readonly serviceAccountKey: string;
  readonly tokens: string;
  readonly auditPolicy: string;
  readonly adminToken: string;
}

/** Writes the signing key, the token file (admin only) and the audit policy into `dir`. */
export async function writeControlPlaneFiles(dir: string): Promise<ControlPlaneFiles> {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const serviceAccountKey = join(dir, "sa.key");
  await writeFile(serviceAccountKey, privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600 });
  const adminToken = randomBytes(24).toString("hex");
  const tokens = join(dir, "tokens.csv");
  await writeFile(tokens, `${adminToken},${ADMIN_USER},${ADMIN_USER}-uid,"system:masters"\n`, {
    mode: 0o600,
  });
  const auditPolicy = join(dir, "audit-policy.yaml");
  await writeFile(auditPolicy, stringify(AUDIT_POLICY));
  return { serviceAccountKey, tokens, auditPolicy, adminToken };
}

/** A kubeconfig document for `server` trusting `caPem`, authenticating with a bearer `token`. */
export function tokenKubeconfig(
  server: string,
  caPem: string,
  token: string,
  user: string,
  namespace = "default",
): string {
  const name = "real-control-plane";
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      { name, cluster: { server, "certificate-authority-data": Buffer.from(caPem).toString("base64") } },
    ],
    users: [{ name: user, user: { token } }],
    contexts: [{ name, context: { cluster: name, user, namespace } }],
    "current-context": name,
    preferences: {},
  });
}
