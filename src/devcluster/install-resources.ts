/**
 * The built-in kinds `deploy/install.yaml` holds besides our CRDs (ServiceAccount, Service, RBAC
 * roles and bindings, Deployment), served as storage with the fields kube-apiserver requires and
 * the defaults kubectl shows: nothing acts on them (no RBAC enforcement, no pods, no endpoints).
 */
import type { ResourceDefinition } from "./resource-definition.js";
import { builtIn } from "./builtin-resources.js";
import {
  anyObject,
  arr,
  bool,
  int,
  kindSchema,
  obj,
  objectReference,
  str,
  strMap,
} from "./schema-builders.js";
import type { JsonObject } from "./types.js";

const intOrString = (): JsonObject => ({ "x-kubernetes-int-or-string": true });

const policyRule = (): JsonObject =>
  obj(
    {
      apiGroups: arr(str()),
      resources: arr(str()),
      resourceNames: arr(str()),
      nonResourceURLs: arr(str()),
      verbs: arr(str()),
    },
    { required: ["verbs"] },
  );

const subject = (): JsonObject =>
  obj({ kind: str(), apiGroup: str(), name: str(), namespace: str() }, { required: ["kind", "name"] });

const roleRef = (): JsonObject =>
  obj({ apiGroup: str(), kind: str(), name: str() }, { required: ["apiGroup", "kind", "name"] });

const RBAC = "rbac.authorization.k8s.io";

function role(kind: "Role" | "ClusterRole", namespaced: boolean): ResourceDefinition {
  return builtIn({
    group: RBAC,
    version: "v1",
    plural: `${kind.toLowerCase()}s`,
    singular: kind.toLowerCase(),
    kind,
    namespaced,
    statusSubresource: false,
    schema: kindSchema(`${kind} is a logical grouping of PolicyRules.`, {
      rules: arr(policyRule()),
      ...(kind === "ClusterRole" ? { aggregationRule: anyObject() } : {}),
    }),
  });
}

function binding(kind: "RoleBinding" | "ClusterRoleBinding", namespaced: boolean): ResourceDefinition {
  return builtIn({
    group: RBAC,
    version: "v1",
    plural: `${kind.toLowerCase()}s`,
    singular: kind.toLowerCase(),
    kind,
    namespaced,
    statusSubresource: false,
    schema: {
      ...kindSchema(`${kind} references a role and binds it to subjects.`, {
        subjects: arr(subject()),
        roleRef: roleRef(),
      }),
      required: ["roleRef"],
    },
  });
}

/** ServiceAccount, Service, Role, ClusterRole, RoleBinding, ClusterRoleBinding and Deployment. */
export function installResources(): ResourceDefinition[] {
  return [
    builtIn({
      group: "",
      version: "v1",
      plural: "serviceaccounts",
      singular: "serviceaccount",
      kind: "ServiceAccount",
      namespaced: true,
      shortNames: ["sa"],
      statusSubresource: false,
      schema: kindSchema("ServiceAccount binds together a name, a principal and a set of secrets.", {
        secrets: arr(objectReference()),
        imagePullSecrets: arr(obj({ name: str() })),
        automountServiceAccountToken: bool(),
      }),
    }),
    builtIn({
      group: "",
      version: "v1",
      plural: "services",
      singular: "service",
      kind: "Service",
      namespaced: true,
      shortNames: ["svc"],
      categories: ["all"],
      statusSubresource: true,
      printerColumns: [{ name: "Type", type: "string", jsonPath: ".spec.type" }],
      schema: kindSchema("Service is a named abstraction of software service.", {
        spec: obj(
          {
            type: str({ default: "ClusterIP" }),
            selector: strMap(),
            ports: arr(
              obj(
                {
                  name: str(),
                  protocol: str({ default: "TCP" }),
                  port: int({ format: "int32" }),
                  targetPort: intOrString(),
                  nodePort: int({ format: "int32" }),
                  appProtocol: str(),
                },
                { required: ["port"] },
              ),
            ),
            sessionAffinity: str({ default: "None" }),
          },
          { "x-kubernetes-preserve-unknown-fields": true },
        ),
        status: anyObject(),
      }),
    }),
    role("Role", true),
    role("ClusterRole", false),
    binding("RoleBinding", true),
    binding("ClusterRoleBinding", false),
    builtIn({
      group: "apps",
      version: "v1",
      plural: "deployments",
      singular: "deployment",
      kind: "Deployment",
      namespaced: true,
      shortNames: ["deploy"],
      categories: ["all"],
      statusSubresource: true,
      printerColumns: [{ name: "Replicas", type: "integer", jsonPath: ".spec.replicas" }],
      schema: kindSchema("Deployment enables declarative updates for Pods and ReplicaSets.", {
        spec: obj(
          {
            replicas: int({ format: "int32", default: 1 }),
            selector: anyObject("Label selector for pods."),
            template: anyObject("Template describes the pods that will be created."),
            strategy: anyObject(),
            minReadySeconds: int({ format: "int32" }),
            revisionHistoryLimit: int({ format: "int32", default: 10 }),
            paused: bool(),
            progressDeadlineSeconds: int({ format: "int32", default: 600 }),
          },
          { required: ["selector", "template"] },
        ),
        status: anyObject(),
      }),
    }),
  ];
}
