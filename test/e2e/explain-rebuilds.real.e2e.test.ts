/** `explain-rebuilds-suite.ts` on the real control plane. */
import { CONTROL_PLANE_TOOLS, describeWithTools } from "../support/required-tool.js";
import { explainRebuildsSuite } from "./explain-rebuilds-suite.js";

describeWithTools([...CONTROL_PLANE_TOOLS, "git", "docker-registry", "kubectl"])(
  "on the real control plane",
  () => {
    explainRebuildsSuite("real");
  },
);
