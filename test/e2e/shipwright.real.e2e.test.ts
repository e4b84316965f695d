/** `shipwright-suite.ts` on the real control plane. */
import { CONTROL_PLANE_TOOLS, describeWithTools } from "../support/required-tool.js";
import { shipwrightSuite } from "./shipwright-suite.js";

describeWithTools([...CONTROL_PLANE_TOOLS, "docker-registry", "kubectl", "skopeo", "umoci"])(
  "on the real control plane",
  () => {
    shipwrightSuite("real");
  },
);
