/**
 * The RBAC objects of `config/rbac/`, rendered from the operator's single permission list
 * (`operatorPermissions`): a ClusterRole with exactly what the controller uses in the users'
 * namespaces, a Role for the leader election Lease in the operator's own namespace, their
 * bindings and the ServiceAccount.
 */
import type { OperatorPermission, PermissionScope } from "../payload-build/operator-permissions.js";
import { permissionResourceName } from "../payload-build/operator-permissions.js";
import { BASE_NAMESPACE, COMMON_LABELS } from "./install-names.js";

/** A Kubernetes object as rendered into YAML. */
export type ManifestObject = Readonly<Record<string, unknown>> & {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string } & Readonly<
    Record<string, unknown>
  >;
};

/** One RBAC `PolicyRule`. */
export interface PolicyRule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
}

/** Base names of the RBAC objects (before `config/default` prefixes them). */
export const RBAC_NAMES = {
  serviceAccount: "controller-manager",
  clusterRole: "manager-role",
  clusterRoleBinding: "manager-rolebinding",
  leaderElectionRole: "leader-election-role",
  leaderElectionRoleBinding: "leader-election-rolebinding",
} as const;

/**
 * The rules of the permissions in `scope`, one rule per (group, verb set), resources sorted, in
 * the order of the first permission of each group: what `controller-gen` would write.
 */
export function policyRules(
  permissions: readonly OperatorPermission[],
  scope: PermissionScope,
): PolicyRule[] {
  const rules = new Map<string, { group: string; verbs: string[]; resources: Set<string> }>();
  for (const permission of permissions) {
    if (permission.scope !== scope) continue;
    const verbs = [...new Set(permission.verbs)].sort();
    const key = `${permission.group}|${verbs.join(",")}`;
    const rule = rules.get(key) ?? { group: permission.group, verbs, resources: new Set<string>() };
    rule.resources.add(permissionResourceName(permission));
    rules.set(key, rule);
  }
  return [...rules.values()].map((r) => ({
    apiGroups: [r.group],
    resources: [...r.resources].sort(),
    verbs: r.verbs,
  }));
}

function metadata(name: string, namespaced: boolean): ManifestObject["metadata"] {
  return {
    name,
    ...(namespaced ? { namespace: BASE_NAMESPACE } : {}),
    labels: { ...COMMON_LABELS },
  };
}

const serviceAccountSubject = {
  kind: "ServiceAccount",
  name: RBAC_NAMES.serviceAccount,
  namespace: BASE_NAMESPACE,
};

/**
 * Where the operator's own permissions (`cluster` scope) are granted: `cluster`, a ClusterRole and
 * ClusterRoleBinding (`config/rbac`, watching every namespace); `namespace`, a Role and RoleBinding
 * of the same names in the operator's namespace (`config/rbac-namespaced`, for an operator that
 * watches only its own namespace).
 */
export type RbacScope = "cluster" | "namespace";

/**
 * `config/rbac/<file>` (or with `scope` `namespace`, `config/rbac-namespaced/<file>`) -> the object
 * it holds, in the order of the directory's `kustomization.yaml`.
 */
export function rbacManifests(
  permissions: readonly OperatorPermission[],
  scope: RbacScope = "cluster",
): Record<string, ManifestObject> {
  const namespaced = scope === "namespace";
  const roleKind = namespaced ? "Role" : "ClusterRole";
  return {
    "service_account.yaml": {
      apiVersion: "v1",
      kind: "ServiceAccount",
      metadata: metadata(RBAC_NAMES.serviceAccount, true),
    },
    "role.yaml": {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: roleKind,
      metadata: metadata(RBAC_NAMES.clusterRole, namespaced),
      rules: policyRules(permissions, "cluster"),
    },
    "role_binding.yaml": {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: namespaced ? "RoleBinding" : "ClusterRoleBinding",
      metadata: metadata(RBAC_NAMES.clusterRoleBinding, namespaced),
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: roleKind, name: RBAC_NAMES.clusterRole },
      subjects: [serviceAccountSubject],
    },
    "leader_election_role.yaml": {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "Role",
      metadata: metadata(RBAC_NAMES.leaderElectionRole, true),
      rules: policyRules(permissions, "operator-namespace"),
    },
    "leader_election_role_binding.yaml": {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: metadata(RBAC_NAMES.leaderElectionRoleBinding, true),
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: RBAC_NAMES.leaderElectionRole },
      subjects: [serviceAccountSubject],
    },
  };
}
