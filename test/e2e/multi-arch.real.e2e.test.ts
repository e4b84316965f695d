/** `multi-arch-suite.ts` on the real control plane. */
import { multiArchSuite } from "./multi-arch-suite.js";

multiArchSuite("real");
