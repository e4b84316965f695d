/** `release-stream-suite.ts` on the dev cluster. */
import { releaseStreamSuite } from "./release-stream-suite.js";

releaseStreamSuite("dev");
