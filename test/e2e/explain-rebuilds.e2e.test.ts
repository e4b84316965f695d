/** `explain-rebuilds-suite.ts` on the dev cluster. */
import { describeWithTools } from "../support/required-tool.js";
import { explainRebuildsSuite } from "./explain-rebuilds-suite.js";

describeWithTools(["git", "docker-registry"])("on the dev cluster", () => {
  explainRebuildsSuite("dev");
});
