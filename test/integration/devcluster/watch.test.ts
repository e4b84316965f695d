/** `watch-suite.ts` on the dev cluster. */
import { watchSuite } from "./watch-suite.js";

watchSuite("dev");
