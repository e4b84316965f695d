/** `multi-arch-rebuild-suite.ts` on the real control plane. */
import { CONTROL_PLANE_TOOLS, describeWithTools } from "../support/required-tool.js";
import { multiArchRebuildSuite } from "./multi-arch-rebuild-suite.js";

describeWithTools([...CONTROL_PLANE_TOOLS, "git", "docker-registry", "kubectl"])(
  "on the real control plane",
  () => {
    multiArchRebuildSuite("real");
  },
);
