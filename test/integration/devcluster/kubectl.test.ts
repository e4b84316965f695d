/** `kubectl-suite.ts` on the dev cluster. */
import { kubectlSuite } from "./kubectl-suite.js";

kubectlSuite("dev");
