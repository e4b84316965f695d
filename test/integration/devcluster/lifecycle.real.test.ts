/** `lifecycle-suite.ts` on a real kube-apiserver (etcd, kube-apiserver, kube-controller-manager built from upstream). */
import { CONTROL_PLANE_TOOLS, describeWithTools } from "../../support/required-tool.js";
import { lifecycleSuite } from "./lifecycle-suite.js";

describeWithTools(CONTROL_PLANE_TOOLS)("on the real control plane", () => {
  lifecycleSuite("real");
});
