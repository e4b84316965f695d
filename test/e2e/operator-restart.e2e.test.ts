/** `operator-restart-suite.ts` on the dev cluster. */
import { operatorRestartSuite } from "./operator-restart-suite.js";

operatorRestartSuite("dev");
