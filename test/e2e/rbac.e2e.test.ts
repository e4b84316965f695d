/** `rbac-suite.ts` on the dev cluster. */
import { rbacSuite } from "./rbac-suite.js";

rbacSuite("dev");
