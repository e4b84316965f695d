/** `rbac-suite.ts` on the real control plane (etcd, kube-apiserver, kube-controller-manager built from upstream). */
import { CONTROL_PLANE_TOOLS, describeWithTools } from "../support/required-tool.js";
import { rbacSuite } from "./rbac-suite.js";

describeWithTools([...CONTROL_PLANE_TOOLS, "docker-registry", "kubectl", "skopeo", "umoci"])(
  "on the real control plane",
  () => {
    rbacSuite("real");
  },
);
