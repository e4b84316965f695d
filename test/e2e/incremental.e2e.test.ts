/** `incremental-suite.ts` on the dev cluster. */
import { describeWithTools } from "../support/required-tool.js";
import { incrementalSuite } from "./incremental-suite.js";

describeWithTools(["git", "docker-registry"])("on the dev cluster", () => {
  incrementalSuite("dev");
});
