/** `job-runner-suite.ts` on the real control plane (kube-apiserver 1.37, no job controller running). */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startControlPlane } from "../../support/control-plane.js";
import { jobRunnerSuite } from "./job-runner-suite.js";
import { CONTROL_PLANE_TOOLS, describeWithTools } from "../../support/required-tool.js";

describeWithTools(CONTROL_PLANE_TOOLS)("on the real control plane", () => {
  jobRunnerSuite(async () => {
    const dir = await mkdtemp(join(tmpdir(), "job-runner-real-"));
    const plane = await startControlPlane({ dir });
    return {
      client: plane.client,
      kubeConfig: plane.adminKubeConfig,
      stop: async () => {
        await plane.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  });
});
