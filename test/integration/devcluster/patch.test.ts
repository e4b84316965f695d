/** `patch-suite.ts` on the dev cluster. */
import { patchSuite } from "./patch-suite.js";

patchSuite("dev");
