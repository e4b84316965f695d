/** `kubectl-crds-and-events-suite.ts` on the dev cluster. */
import { kubectlCrdsAndEventsSuite } from "./kubectl-crds-and-events-suite.js";

kubectlCrdsAndEventsSuite("dev");
