/** Where `deploy/install.yaml` puts the operator and the identity it runs as. */

/** The operator's namespace in `deploy/install.yaml`. */
export const OPERATOR_NAMESPACE = "okd-payload-operator-system";
/** The operator's ServiceAccount in `deploy/install.yaml`. */
export const OPERATOR_SERVICE_ACCOUNT = "okd-payload-operator-controller-manager";
/** The user name of the operator's requests when it runs as that ServiceAccount. */
export const OPERATOR_USER = `system:serviceaccount:${OPERATOR_NAMESPACE}:${OPERATOR_SERVICE_ACCOUNT}`;
