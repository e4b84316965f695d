/**
 * Build strategies a cluster admin installs for Shipwright: ours (`deploy/shipwright/okd-payload-buildah.yaml`,
 * applied from the file as a user would) and a stand-in for the stock buildah sample upstream ships
 * (`buildah-shipwright-managed-push`: the same declared parameters, no from/inputs/env).
 */
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { isAlreadyExists } from "../../src/kube/kube-errors.js";
import type { KubeClient } from "../../src/kube/kube-client.js";
import { CLUSTER_BUILD_STRATEGIES } from "../../src/devcluster/builds/upstream-objects.js";

const OURS = fileURLToPath(new URL("../../deploy/shipwright/okd-payload-buildah.yaml", import.meta.url));

/** Name of the stock strategy stand-in. */
export const STOCK_BUILDAH_STRATEGY = "buildah-shipwright-managed-push";

async function createOnce(client: KubeClient, object: Record<string, unknown>): Promise<void> {
  try {
    await client.create(CLUSTER_BUILD_STRATEGIES, object as never);
  } catch (e) {
    if (!isAlreadyExists(e)) throw e;
  }
}

/** Creates `ClusterBuildStrategy/okd-payload-buildah` from the deploy file (AlreadyExists is fine). */
export async function installOkdPayloadStrategy(client: KubeClient): Promise<void> {
  await createOnce(client, parse(await readFile(OURS, "utf8")) as Record<string, unknown>);
}

/** Creates the stock-like `ClusterBuildStrategy/buildah-shipwright-managed-push` (AlreadyExists is fine). */
export async function installStockBuildahStrategy(client: KubeClient): Promise<void> {
  const array = (name: string) => ({ name, description: name, type: "array", defaults: [] });
  await createOnce(client, {
    apiVersion: "shipwright.io/v1beta1",
    kind: "ClusterBuildStrategy",
    metadata: { name: STOCK_BUILDAH_STRATEGY },
    spec: {
      parameters: [
        array("build-args"),
        array("registries-block"),
        array("registries-insecure"),
        {
          name: "registries-search",
          description: "search",
          type: "array",
          defaults: ["docker.io", "quay.io"],
        },
        { name: "dockerfile", description: "Dockerfile path", type: "string", default: "Dockerfile" },
        { name: "storage-driver", description: "storage driver", type: "string", default: "vfs" },
        { name: "target", description: "target stage", type: "string", default: "" },
      ],
      steps: [
        { name: "build-and-push", image: "quay.io/containers/buildah:v1.39.0", command: ["/bin/true"] },
      ],
    },
  });
}
