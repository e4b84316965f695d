/** `web-ui-suite.ts` on the dev cluster. */
import { webUiSuite } from "./web-ui-suite.js";

webUiSuite("dev");
