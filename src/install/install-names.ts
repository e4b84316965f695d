/**
 * Names shared by the install manifests (`config/`, `deploy/install.yaml`). Base objects carry
 * kubebuilder's short names in the placeholder namespace `system`; `config/default` adds the
 * {@link INSTALL_NAME_PREFIX} and moves everything to {@link INSTALL_NAMESPACE}.
 */

/** Namespace the operator is installed in. */
export const INSTALL_NAMESPACE = "okd-payload-operator-system";
/** Prefix `config/default` puts on every object name (kustomize `namePrefix`). */
export const INSTALL_NAME_PREFIX = "okd-payload-operator-";
/** Namespace of the base manifests before `config/default` renames it (kubebuilder's convention). */
export const BASE_NAMESPACE = "system";
/** Image name used in the base Deployment, replaced through kustomize `images`. */
export const BASE_IMAGE = "controller";
/** The published operator image (without tag). */
export const OPERATOR_IMAGE = "quay.io/okd/okd-payload-operator";
/** Port of `/healthz`, `/readyz` and `/metrics` in the container. */
export const METRICS_PORT = 8080;
/** Labels every installed object carries. */
export const COMMON_LABELS: Readonly<Record<string, string>> = {
  "app.kubernetes.io/name": "okd-payload-operator",
  "app.kubernetes.io/managed-by": "kustomize",
};
/** Labels selecting the operator's pods. */
export const MANAGER_SELECTOR: Readonly<Record<string, string>> = {
  "control-plane": "controller-manager",
  "app.kubernetes.io/name": "okd-payload-operator",
};
