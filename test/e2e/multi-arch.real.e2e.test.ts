/** `multi-arch-suite.ts` on the real control plane. */
import { CONTROL_PLANE_TOOLS, describeWithTools } from "../support/required-tool.js";
import { multiArchSuite } from "./multi-arch-suite.js";

describeWithTools([...CONTROL_PLANE_TOOLS, "docker-registry", "kubectl", "skopeo", "umoci"])(
  "on the real control plane",
  () => {
    multiArchSuite("real");
  },
);
