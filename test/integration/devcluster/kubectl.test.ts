/** `kubectl-suite.ts` on the dev cluster. */
import { kubectlSuite } from "./kubectl-suite.js";
import { describeWithTools } from "../../support/required-tool.js";

describeWithTools(["kubectl"])("on the dev cluster", () => {
  kubectlSuite("dev");
});
