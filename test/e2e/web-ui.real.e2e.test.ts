/**
 * `web-ui-suite.ts` on the real control plane: the operator authenticated as its ServiceAccount
 * under the generated RBAC serves the same pages and API.
 */
import { CONTROL_PLANE_TOOLS, describeWithTools } from "../support/required-tool.js";
import { webUiSuite } from "./web-ui-suite.js";

describeWithTools([...CONTROL_PLANE_TOOLS, "docker-registry", "chromium"])(
  "on the real control plane",
  () => {
    webUiSuite("real");
  },
);
