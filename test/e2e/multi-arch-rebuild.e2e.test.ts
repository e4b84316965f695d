/** `multi-arch-rebuild-suite.ts` on the dev cluster. */
import { describeWithTools } from "../support/required-tool.js";
import { multiArchRebuildSuite } from "./multi-arch-rebuild-suite.js";

describeWithTools(["git", "docker-registry"])("on the dev cluster", () => {
  multiArchRebuildSuite("dev");
});
