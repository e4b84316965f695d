/** `watch-suite.ts` on a real kube-apiserver (etcd, kube-apiserver, kube-controller-manager built from upstream). */
import { CONTROL_PLANE_TOOLS, describeWithTools } from "../../support/required-tool.js";
import { watchSuite } from "./watch-suite.js";

describeWithTools(CONTROL_PLANE_TOOLS)("on the real control plane", () => {
  watchSuite("real");
});
