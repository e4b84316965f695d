/** `patch-suite.ts` on a real kube-apiserver (etcd, kube-apiserver, kube-controller-manager built from upstream). */
import { CONTROL_PLANE_TOOLS, describeWithTools } from "../../support/required-tool.js";
import { patchSuite } from "./patch-suite.js";

describeWithTools(CONTROL_PLANE_TOOLS)("on the real control plane", () => {
  patchSuite("real");
});
