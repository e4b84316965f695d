/** `shipwright-suite.ts` on the dev cluster. */
import { shipwrightSuite } from "./shipwright-suite.js";

shipwrightSuite("dev");
