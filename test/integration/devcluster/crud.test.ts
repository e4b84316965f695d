/** `crud-suite.ts` on the dev cluster. */
import { crudSuite } from "./crud-suite.js";

crudSuite("dev");
