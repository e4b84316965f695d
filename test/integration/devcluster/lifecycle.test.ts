/** `lifecycle-suite.ts` on the dev cluster. */
import { lifecycleSuite } from "./lifecycle-suite.js";

lifecycleSuite("dev");
