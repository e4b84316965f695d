/** `shipwright-suite.ts` on the real control plane. */
import { shipwrightSuite } from "./shipwright-suite.js";

shipwrightSuite("real");
