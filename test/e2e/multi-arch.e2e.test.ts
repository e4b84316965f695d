/** `multi-arch-suite.ts` on the dev cluster. */
import { multiArchSuite } from "./multi-arch-suite.js";

multiArchSuite("dev");
