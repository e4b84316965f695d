/** `nightly-stream-suite.ts` on the dev cluster. */
import { describeWithTools } from "../support/required-tool.js";
import { nightlyStreamSuite } from "./nightly-stream-suite.js";

describeWithTools(["git", "docker-registry", "kubectl"])("on the dev cluster", () => {
  nightlyStreamSuite("dev");
});
