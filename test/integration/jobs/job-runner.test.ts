/** `job-runner-suite.ts` on the dev cluster. */
import { startDevCluster } from "../../../src/devcluster/dev-cluster.js";
import { createKubeClient } from "../../../src/kube/kube-client.js";
import { jobRunnerSuite } from "./job-runner-suite.js";

jobRunnerSuite(async () => {
  const cluster = await startDevCluster();
  return {
    client: createKubeClient(cluster.kubeConfig),
    kubeConfig: cluster.kubeConfig,
    stop: () => cluster.stop(),
  };
});
