/**
 * The kubebuilder-style kustomize layout (`config/crd` with its own copy of the generated CRDs in
 * `config/crd/bases/`, `config/rbac`, `config/manager`, `config/default`, `config/samples`,
 * `config/prometheus`, and the namespaced variant `config/namespaced` with `config/rbac-namespaced`; `crds/` stays plain CRD
 * YAML so `kubectl apply -f crds/` works) and the rendered install bundle `deploy/install.yaml`. The bundle is rendered here, from the same
 * objects, with the transformations `config/default` asks kustomize for (namespace, name prefix,
 * image), so no kustomize binary is needed; a test checks that `kubectl kustomize config/default`
 * gives the same objects.
 */
import type { OperatorPermission } from "../payload-build/operator-permissions.js";
import { BASE_IMAGE, INSTALL_NAME_PREFIX, INSTALL_NAMESPACE, OPERATOR_IMAGE } from "./install-names.js";
import {
  managerDeployment,
  managerNamespace,
  metricsService,
  watchOwnNamespacePatch,
} from "./manager-manifests.js";
import { prometheusRule } from "./prometheus-rules.js";
import { rbacManifests, type ManifestObject } from "./rbac-manifests.js";
import { serviceMonitor } from "./service-monitor.js";

/** Namespace of the namespaced variant `config/namespaced` (the samples' namespace), which it also watches. */
export const NAMESPACED_INSTALL_NAMESPACE = "okd-build";
/** The samples `config/samples/kustomization.yaml` lists (written by hand, not generated). */
export const SAMPLE_FILES: readonly string[] = ["payloadbuild.yaml", "releasestream.yaml"];

/** One file of the layout: its repository-relative path and the YAML documents it holds. */
export interface LayoutFile {
  readonly path: string;
  readonly documents: readonly unknown[];
}

/** What the layout is made from. */
export interface InstallInputs {
  /** The operator's permissions (`operatorPermissions()`). */
  readonly permissions: readonly OperatorPermission[];
  /** The CRDs, with their file names under `crds/`. */
  readonly crds: readonly { readonly file: string; readonly crd: ManifestObject }[];
  /** Tag of the operator image (the package version). */
  readonly imageTag: string;
}

function kustomization(fields: Record<string, unknown>): Record<string, unknown> {
  return { apiVersion: "kustomize.config.k8s.io/v1beta1", kind: "Kustomization", ...fields };
}

/**
 * Where `config/crd` keeps a CRD, as kubebuilder names it: `bases/<group>_<plural>.yaml` (kustomize
 * cannot load files outside its directory, so `config/crd` holds its own copy of `crds/`).
 */
export function crdBasePath(crd: ManifestObject): string {
  const name = crd.metadata.name;
  const dot = name.indexOf(".");
  return `bases/${name.slice(dot + 1)}_${name.slice(0, dot)}.yaml`;
}

/**
 * `config/prometheus/`: kubebuilder's `monitor.yaml` (ServiceMonitor) and the PrometheusRule; not
 * part of `config/default` (their CRDs come with the Prometheus Operator): `kubectl apply -k
 * config/prometheus` on a cluster that has it.
 */
function prometheusLayout(): LayoutFile[] {
  const files: Record<string, ManifestObject> = {
    "monitor.yaml": serviceMonitor(),
    "prometheus_rule.yaml": prometheusRule(),
  };
  return [
    ...Object.entries(files).map(([file, object]) => ({
      path: `config/prometheus/${file}`,
      documents: [object],
    })),
    {
      path: "config/prometheus/kustomization.yaml",
      documents: [
        kustomization({
          namespace: INSTALL_NAMESPACE,
          namePrefix: INSTALL_NAME_PREFIX,
          resources: Object.keys(files),
        }),
      ],
    },
  ];
}

/**
 * `config/rbac-namespaced/` and `config/namespaced/`: the operator installed in
 * {@link NAMESPACED_INSTALL_NAMESPACE}, watching only that namespace (`WATCH_NAMESPACE` from the
 * pod's namespace), with a Role and RoleBinding in place of the ClusterRole and its binding.
 */
function namespacedLayout(inputs: InstallInputs): LayoutFile[] {
  const rbac = rbacManifests(inputs.permissions, "namespace");
  return [
    ...Object.entries(rbac).map(([file, object]) => ({
      path: `config/rbac-namespaced/${file}`,
      documents: [object],
    })),
    {
      path: "config/rbac-namespaced/kustomization.yaml",
      documents: [kustomization({ resources: Object.keys(rbac) })],
    },
    { path: "config/namespaced/metrics_service.yaml", documents: [metricsService()] },
    { path: "config/namespaced/manager_watch_namespace_patch.yaml", documents: [watchOwnNamespacePatch()] },
    {
      path: "config/namespaced/kustomization.yaml",
      documents: [
        kustomization({
          namespace: NAMESPACED_INSTALL_NAMESPACE,
          namePrefix: INSTALL_NAME_PREFIX,
          resources: ["../crd", "../rbac-namespaced", "../manager", "metrics_service.yaml"],
          patches: [{ path: "manager_watch_namespace_patch.yaml" }],
        }),
      ],
    },
  ];
}

/** Every file of the kustomize layout (not the bundle). */
export function kustomizeLayout(inputs: InstallInputs): LayoutFile[] {
  const rbac = rbacManifests(inputs.permissions);
  return [
    ...prometheusLayout(),
    ...namespacedLayout(inputs),
    {
      path: "config/samples/kustomization.yaml",
      documents: [kustomization({ resources: [...SAMPLE_FILES] })],
    },
    ...inputs.crds.map((c) => ({ path: `config/crd/${crdBasePath(c.crd)}`, documents: [c.crd] })),
    {
      path: "config/crd/kustomization.yaml",
      documents: [kustomization({ resources: inputs.crds.map((c) => crdBasePath(c.crd)) })],
    },
    ...Object.entries(rbac).map(([file, object]) => ({ path: `config/rbac/${file}`, documents: [object] })),
    { path: "config/rbac/kustomization.yaml", documents: [kustomization({ resources: Object.keys(rbac) })] },
    { path: "config/manager/manager.yaml", documents: [managerNamespace(), managerDeployment()] },
    {
      path: "config/manager/kustomization.yaml",
      documents: [
        kustomization({
          resources: ["manager.yaml"],
          images: [{ name: BASE_IMAGE, newName: OPERATOR_IMAGE, newTag: inputs.imageTag }],
        }),
      ],
    },
    { path: "config/default/metrics_service.yaml", documents: [metricsService()] },
    {
      path: "config/default/kustomization.yaml",
      documents: [
        kustomization({
          namespace: INSTALL_NAMESPACE,
          namePrefix: INSTALL_NAME_PREFIX,
          resources: ["../crd", "../rbac", "../manager", "metrics_service.yaml"],
        }),
      ],
    },
  ];
}

const CLUSTER_SCOPED_KINDS = new Set([
  "Namespace",
  "ClusterRole",
  "ClusterRoleBinding",
  "CustomResourceDefinition",
]);
/** Install order: what others refer to first (kustomize's legacy order). */
const KIND_ORDER = [
  "Namespace",
  "CustomResourceDefinition",
  "ServiceAccount",
  "Role",
  "ClusterRole",
  "RoleBinding",
  "ClusterRoleBinding",
  "Service",
  "Deployment",
];

function prefixed(name: string): string {
  return `${INSTALL_NAME_PREFIX}${name}`;
}

/** `config/default`'s transformations of one base object (what kustomize does with it). */
function installed(object: ManifestObject, imageTag: string): ManifestObject {
  if (object.kind === "CustomResourceDefinition") return object;
  const copy = structuredClone(object) as Record<string, unknown> & ManifestObject;
  const metadata: Record<string, unknown> = { ...copy.metadata, name: prefixed(copy.metadata.name) };
  if (!CLUSTER_SCOPED_KINDS.has(copy.kind)) metadata["namespace"] = INSTALL_NAMESPACE;
  const result: Record<string, unknown> = { ...copy, metadata };
  const roleRef = copy["roleRef"] as { name: string } | undefined;
  if (roleRef !== undefined) result["roleRef"] = { ...roleRef, name: prefixed(roleRef.name) };
  const subjects = copy["subjects"] as { name: string; kind: string }[] | undefined;
  if (subjects !== undefined) {
    result["subjects"] = subjects.map((s) =>
      s.kind === "ServiceAccount" ? { ...s, name: prefixed(s.name), namespace: INSTALL_NAMESPACE } : s,
    );
  }
  if (copy.kind === "Deployment") {
    const spec = copy["spec"] as {
      template: { spec: { serviceAccountName: string; containers: { image: string }[] } };
    };
    const pod = spec.template.spec;
    pod.serviceAccountName = prefixed(pod.serviceAccountName);
    for (const container of pod.containers) {
      if (container.image === BASE_IMAGE) container.image = `${OPERATOR_IMAGE}:${imageTag}`;
    }
  }
  return result as ManifestObject;
}

/** The objects of `deploy/install.yaml`: everything `kubectl apply -f` needs, in install order. */
export function installBundle(inputs: InstallInputs): ManifestObject[] {
  const base: ManifestObject[] = [
    ...inputs.crds.map((c) => c.crd),
    ...Object.values(rbacManifests(inputs.permissions)),
    managerNamespace(),
    managerDeployment(),
    metricsService(),
  ];
  const rank = (o: ManifestObject): number => {
    const i = KIND_ORDER.indexOf(o.kind);
    return i < 0 ? KIND_ORDER.length : i;
  };
  return base
    .map((o) => installed(o, inputs.imageTag))
    .sort((a, b) => rank(a) - rank(b) || a.metadata.name.localeCompare(b.metadata.name));
}
