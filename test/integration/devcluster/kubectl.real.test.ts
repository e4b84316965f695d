/** `kubectl-suite.ts` on a real kube-apiserver (etcd, kube-apiserver, kube-controller-manager built from upstream). */
import { CONTROL_PLANE_TOOLS, describeWithTools } from "../../support/required-tool.js";
import { kubectlSuite } from "./kubectl-suite.js";

describeWithTools([...CONTROL_PLANE_TOOLS, "kubectl"])("on the real control plane", () => {
  kubectlSuite("real");
});
