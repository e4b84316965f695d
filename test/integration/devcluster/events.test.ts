/** `events-suite.ts` on the dev cluster. */
import { eventsSuite } from "./events-suite.js";

eventsSuite("dev");
