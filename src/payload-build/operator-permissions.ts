/**
 * The single list of Kubernetes API permissions the operator needs, derived from the resources the
 * code actually touches: the PayloadBuild informer and status writes, the build backends' child
 * kinds (`buildChildResources`), the ImageStream, the push Secret, Events and the leader election
 * Lease. The generated RBAC (`config/rbac/`, `deploy/install.yaml`) is rendered from it, and an
 * integration test checks it against the dev cluster's audit log of a real run, so a new API call
 * without a permission (or a permission nothing uses) fails CI.
 */
import { PAYLOAD_BUILD } from "../api/group.js";
import { buildChildResources, createBuildBackends, type BuildBackends } from "../builds/build-backends.js";
import { IMAGE_STREAMS } from "../builds/build-resources.js";
import { EVENTS, LEASES, SECRETS, type ResourceDescriptor } from "../kube/resource.js";
import { releaseStreamPermissions } from "../release-stream/release-stream-permissions.js";
import { PAYLOAD_BUILDS } from "./payload-build-controller.js";

/** A Kubernetes API verb as RBAC and audit logs name it. */
export type ApiVerb = "get" | "list" | "watch" | "create" | "update" | "patch" | "delete";

/**
 * Where a permission is granted: `cluster` in the operator's ClusterRole (objects live in the
 * users' namespaces), `operator-namespace` in a Role of the namespace the operator runs in
 * (kubebuilder's leader election Role).
 */
export type PermissionScope = "cluster" | "operator-namespace";

/** One RBAC rule the operator needs, and why. */
export interface OperatorPermission {
  /** API group, `""` for core. */
  readonly group: string;
  /** Plural resource name. */
  readonly resource: string;
  /** Subresource (`status`), or undefined for the resource itself. */
  readonly subresource?: string;
  readonly verbs: readonly ApiVerb[];
  readonly scope: PermissionScope;
  /** What the operator does with it (rendered as a comment-like annotation and in reports). */
  readonly reason: string;
}

/** `resource` or `resource/subresource`, the way RBAC rules and audit entries name a resource. */
export function permissionResourceName(permission: {
  readonly resource: string;
  readonly subresource?: string | undefined;
}): string {
  return permission.subresource === undefined || permission.subresource === ""
    ? permission.resource
    : `${permission.resource}/${permission.subresource}`;
}

function childPermission(resource: ResourceDescriptor): OperatorPermission {
  return {
    group: resource.group,
    resource: resource.plural,
    // list/watch: the controller Owns them; create: a build attempt; delete: an outdated attempt
    // after a spec change, or the child of a removed component.
    verbs: ["list", "watch", "create", "delete"],
    scope: "cluster",
    reason: `${resource.kind} objects of build attempts (owned by the PayloadBuild)`,
  };
}

/**
 * OpenShift's BuildByStrategy admission (openshift-apiserver `strategyrestrictions`) lets a Docker
 * strategy Build or BuildConfig be created or updated only by whoever may `create` `builds/docker`
 * in its namespace; never called, checked by admission. Present when a backend writes OpenShift builds.
 */
function buildStrategyPermissions(children: readonly ResourceDescriptor[]): OperatorPermission[] {
  const builds = children.find((r) => r.group === "build.openshift.io" && r.plural === "builds");
  if (builds === undefined) return [];
  return [
    {
      group: builds.group,
      resource: builds.plural,
      subresource: "docker",
      verbs: ["create"],
      scope: "cluster",
      reason: "Docker-strategy Builds (OpenShift's BuildByStrategy admission)",
    },
  ];
}

/**
 * Every permission the operator needs with `backends` (default: the backends `payloadctl operator`
 * creates). The order is stable, so rendered RBAC is deterministic.
 */
export function operatorPermissions(backends: BuildBackends = createBuildBackends()): OperatorPermission[] {
  return mergePermissions([...payloadBuildPermissions(backends), ...releaseStreamPermissions()]);
}

/** One permission per (scope, group, resource, subresource), verbs united, in first-seen order. */
function mergePermissions(permissions: readonly OperatorPermission[]): OperatorPermission[] {
  const merged = new Map<string, OperatorPermission>();
  for (const p of permissions) {
    const key = `${p.scope}|${p.group}|${permissionResourceName(p)}`;
    const before = merged.get(key);
    merged.set(
      key,
      before === undefined
        ? p
        : {
            ...before,
            verbs: [...new Set([...before.verbs, ...p.verbs])],
            reason: `${before.reason}; ${p.reason}`,
          },
    );
  }
  return [...merged.values()];
}

function payloadBuildPermissions(backends: BuildBackends): OperatorPermission[] {
  return [
    {
      group: PAYLOAD_BUILDS.group,
      resource: PAYLOAD_BUILDS.plural,
      verbs: ["list", "watch"],
      scope: "cluster",
      reason: `${PAYLOAD_BUILD.kind} informer (the controller's For)`,
    },
    {
      group: PAYLOAD_BUILDS.group,
      resource: PAYLOAD_BUILDS.plural,
      subresource: "status",
      verbs: ["update"],
      scope: "cluster",
      reason: "status written once per reconcile through /status",
    },
    {
      group: PAYLOAD_BUILDS.group,
      resource: PAYLOAD_BUILDS.plural,
      subresource: "finalizers",
      verbs: ["update"],
      scope: "cluster",
      // Never called: the OwnerReferencesPermissionEnforcement admission plugin (on by default in
      // OpenShift) demands it of whoever creates a child with `blockOwnerDeletion: true`.
      reason: "children carry blockOwnerDeletion owner references (OwnerReferencesPermissionEnforcement)",
    },
    ...buildChildResources(backends).map(childPermission),
    ...buildStrategyPermissions(buildChildResources(backends)),
    {
      group: IMAGE_STREAMS.group,
      resource: IMAGE_STREAMS.plural,
      verbs: ["list", "watch", "create", "update"],
      scope: "cluster",
      reason:
        "the ImageStream components land in: watched, created if missing, spec tags for prebuilt and shipwright components",
    },
    {
      group: IMAGE_STREAMS.group,
      resource: IMAGE_STREAMS.plural,
      subresource: "layers",
      verbs: ["get"],
      scope: "cluster",
      // Never called: OpenShift's integrated registry asks the API server whether the operator's
      // token may get it before serving a pull (release assembly reads the landed components).
      reason: "pulls from the integrated registry (its SubjectAccessReview for the operator's token)",
    },
    {
      group: IMAGE_STREAMS.group,
      resource: IMAGE_STREAMS.plural,
      subresource: "layers",
      verbs: ["update"],
      scope: "cluster",
      // Never called: the integrated registry asks before accepting a push with the operator's token.
      reason:
        "pushes each multi-arch component's image index to its ImageStream's repository in the integrated registry",
    },
    {
      group: SECRETS.group,
      resource: SECRETS.plural,
      verbs: ["get"],
      scope: "cluster",
      reason:
        "spec.release.pushSecret (credentials for pushing the release) and source.git.secret (reading a private repository's refs)",
    },
    {
      group: EVENTS.group,
      resource: EVENTS.plural,
      verbs: ["create", "patch"],
      scope: "cluster",
      reason: "events.k8s.io Events about PayloadBuilds (patch: a repeated Event's series count)",
    },
    {
      group: LEASES.group,
      resource: LEASES.plural,
      verbs: ["get", "create", "update"],
      scope: "operator-namespace",
      reason: "leader election Lease (--leader-elect)",
    },
  ];
}
