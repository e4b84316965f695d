/** `kubectl-crds-and-events-suite.ts` on the dev cluster. */
import { kubectlCrdsAndEventsSuite } from "./kubectl-crds-and-events-suite.js";
import { describeWithTools } from "../../support/required-tool.js";

describeWithTools(["kubectl"])("on the dev cluster", () => {
  kubectlCrdsAndEventsSuite("dev");
});
