/** The operator's generated ClusterRole, and its rules with one permission taken out (real-plane tests). */
import { kubeResource } from "../../src/kube/resource.js";

/** ClusterRoles (rbac.authorization.k8s.io/v1). */
export const CLUSTER_ROLES = kubeResource({
  group: "rbac.authorization.k8s.io",
  version: "v1",
  plural: "clusterroles",
  kind: "ClusterRole",
  namespaced: false,
});
export const MANAGER_ROLE = "okd-payload-operator-manager-role";

export interface Rule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
}

/** `rules` granting everything they did except `verb` on `group/resource` (split where needed). */
export function withoutPermission(rules: readonly Rule[], permission: string): Rule[] {
  const [verb, groupResource] = permission.split(" ") as [string, string];
  const slash = groupResource.indexOf("/");
  const group = groupResource.slice(0, slash);
  const resource = groupResource.slice(slash + 1);
  const out: Rule[] = [];
  for (const rule of rules) {
    const hit =
      rule.apiGroups.includes(group) && rule.resources.includes(resource) && rule.verbs.includes(verb);
    if (!hit) {
      out.push(rule);
      continue;
    }
    const otherResources = rule.resources.filter((r) => r !== resource);
    if (otherResources.length > 0) out.push({ ...rule, resources: otherResources });
    const otherVerbs = rule.verbs.filter((v) => v !== verb);
    if (otherVerbs.length > 0) out.push({ ...rule, resources: [resource], verbs: otherVerbs });
  }
  return out;
}
