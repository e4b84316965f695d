/** `operator-suite.ts` on the dev cluster. */
import { operatorSuite } from "./operator-suite.js";

operatorSuite("dev");
