/**
 * Creating the objects of YAML manifests (`deploy/install.yaml`, admission policies) with the kube
 * client, for the demo on the real control plane where `kubectl` may not be installed. Creates
 * only (an existing object is left as it is), in file order, for the kinds such manifests hold.
 */
import { readFile } from "node:fs/promises";
import { parseAllDocuments } from "yaml";
import type { KubeClient, KubeObjectInput } from "../kube/kube-client.js";
import { isAlreadyExists } from "../kube/kube-errors.js";
import { kubeResource, type KubeResource } from "../kube/resource.js";

const rbac = "rbac.authorization.k8s.io";
const admission = "admissionregistration.k8s.io";
/** `apiVersion kind` -> [group, version, plural, namespaced] */
const KINDS: Record<string, readonly [string, string, string, boolean]> = {
  "v1 Namespace": ["", "v1", "namespaces", false],
  "v1 ServiceAccount": ["", "v1", "serviceaccounts", true],
  "v1 Service": ["", "v1", "services", true],
  "v1 ConfigMap": ["", "v1", "configmaps", true],
  "apps/v1 Deployment": ["apps", "v1", "deployments", true],
  "apiextensions.k8s.io/v1 CustomResourceDefinition": [
    "apiextensions.k8s.io",
    "v1",
    "customresourcedefinitions",
    false,
  ],
  [`${rbac}/v1 Role`]: [rbac, "v1", "roles", true],
  [`${rbac}/v1 RoleBinding`]: [rbac, "v1", "rolebindings", true],
  [`${rbac}/v1 ClusterRole`]: [rbac, "v1", "clusterroles", false],
  [`${rbac}/v1 ClusterRoleBinding`]: [rbac, "v1", "clusterrolebindings", false],
  [`${admission}/v1 ValidatingAdmissionPolicy`]: [admission, "v1", "validatingadmissionpolicies", false],
  [`${admission}/v1 ValidatingAdmissionPolicyBinding`]: [
    admission,
    "v1",
    "validatingadmissionpolicybindings",
    false,
  ],
};

function resourceFor(doc: KubeObjectInput, file: string): KubeResource {
  const key = `${String(doc["apiVersion"])} ${String(doc["kind"])}`;
  const entry = KINDS[key];
  if (entry === undefined) throw new Error(`${file}: ${key} is not a kind this installer knows`);
  const [group, version, plural, namespaced] = entry;
  return kubeResource({ group, version, plural, namespaced, kind: String(doc["kind"]) });
}

/** Creates every object of the YAML `files` that does not exist yet; returns how many were created. */
export async function createManifests(client: KubeClient, files: readonly string[]): Promise<number> {
  let created = 0;
  for (const file of files) {
    for (const parsed of parseAllDocuments(await readFile(file, "utf8"))) {
      if (parsed.errors.length > 0)
        throw new Error(`${file}: ${parsed.errors[0]?.message ?? "invalid YAML"}`);
      const doc = parsed.toJSON() as KubeObjectInput | null;
      if (doc === null) continue;
      try {
        await client.create(resourceFor(doc, file), doc);
        created++;
      } catch (error) {
        if (!isAlreadyExists(error)) throw error;
      }
    }
  }
  return created;
}
