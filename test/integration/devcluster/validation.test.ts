/** `validation-suite.ts` on the dev cluster. */
import { validationSuite } from "./validation-suite.js";

validationSuite("dev");
