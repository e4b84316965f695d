/**
 * Where the demo runs: the embedded dev cluster (the default, zero setup) or the real control
 * plane (etcd, kube-apiserver and kube-controller-manager built from the upstream Go modules, built
 * first if needed). Both get the simulated build system pushing to the demo's registry; on the real
 * one the operator runs as its own ServiceAccount under the RBAC of `deploy/install.yaml`.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import type { KubeConfig } from "@kubernetes/client-node";
import { startControlPlane } from "../control-plane/control-plane.js";
import { createManifests } from "../control-plane/install-manifests.js";
import { OPERATOR_NAMESPACE, OPERATOR_SERVICE_ACCOUNT } from "../control-plane/operator-identity.js";
import { buildSystemAddon, startBuildSystem } from "../devcluster/builds/index.js";
import { jobRunnerAddon, startJobRunner } from "../devcluster/jobs/index.js";
import { startDevCluster } from "../devcluster/dev-cluster.js";
import { DemoError } from "./demo-error.js";

const run = promisify(execFile);

/** The control planes the demo can run on. */
export const DEMO_CONTROL_PLANES = ["dev", "real"] as const;
/** One of {@link DEMO_CONTROL_PLANES}. */
export type DemoControlPlane = (typeof DEMO_CONTROL_PLANES)[number];

/** A started control plane with the simulated build system. */
export interface DemoPlane {
  /** Admin access, for the demo's own requests. */
  readonly kubeConfig: KubeConfig;
  /** Admin kubeconfig file (printed for kubectl). */
  readonly kubeconfigPath: string;
  /** The kubeconfig the operator runs with. */
  readonly operatorKubeconfig: string;
  /** Lines describing it (`label: value`). */
  readonly description: readonly (readonly [string, string])[];
  stop(): Promise<void>;
}

/** What both planes need. */
export interface DemoPlaneOptions {
  readonly root: string;
  readonly work: string;
  /** The registry builds push to. */
  readonly registry: { readonly host: string };
  readonly profile: string;
  readonly speed: number;
  /** Progress lines while starting (the control plane build can take minutes the first time). */
  readonly say: (text: string) => void;
}

/** The dev cluster with the build system as an addon. */
export async function startDevDemoPlane(options: DemoPlaneOptions): Promise<DemoPlane> {
  const builds = buildSystemAddon({
    registry: options.registry,
    profile: options.profile,
    speed: options.speed,
  });
  const jobs = jobRunnerAddon({ speed: options.speed });
  const cluster = await startDevCluster({ crdDirs: [join(options.root, "crds")], addons: [builds, jobs] });
  return {
    kubeConfig: cluster.kubeConfig,
    kubeconfigPath: cluster.kubeconfigPath,
    operatorKubeconfig: cluster.kubeconfigPath,
    description: [["dev cluster", `${cluster.url} (kubeconfig ${cluster.kubeconfigPath})`]],
    stop: () => cluster.stop(),
  };
}

/** Builds the control plane binaries unless up to date (`scripts/control-plane-build.sh`). */
async function buildControlPlane(options: DemoPlaneOptions): Promise<void> {
  options.say(
    "building:             the control plane from the upstream Go modules, if needed (npm run control-plane:build; the first build takes about 13 minutes on 2 cores)",
  );
  try {
    await run("bash", [join(options.root, "scripts/control-plane-build.sh")], {
      cwd: options.root,
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new DemoError(
      `building the control plane from the upstream Go modules failed (needs Go 1.26 and the Go module proxy): ${detail}`,
    );
  }
}

/**
 * The real control plane: binaries built if needed, our CRDs and the OpenShift/Shipwright stand-in
 * CRDs and admission installed, `deploy/install.yaml` created, the build system beside it.
 */
export async function startRealDemoPlane(options: DemoPlaneOptions): Promise<DemoPlane> {
  await buildControlPlane(options);
  const root = options.root;
  const plane = await startControlPlane({
    dir: join(options.work, "control-plane"),
    crds: [join(root, "crds"), join(root, "test/control-plane/crds")],
  });
  try {
    await createManifests(plane.client, [
      join(root, "test/control-plane/admission/build-by-strategy.yaml"),
      join(root, "deploy/install.yaml"),
    ]);
    const builds = await startBuildSystem({
      kubeConfig: plane.adminKubeConfig,
      registry: options.registry,
      profile: options.profile,
      speed: options.speed,
    });
    const jobs = await startJobRunner({ kubeConfig: plane.adminKubeConfig, speed: options.speed });
    const operatorKubeconfig = join(options.work, "operator.kubeconfig");
    await plane.serviceAccountKubeconfig(OPERATOR_NAMESPACE, OPERATOR_SERVICE_ACCOUNT, operatorKubeconfig);
    return {
      kubeConfig: plane.adminKubeConfig,
      kubeconfigPath: plane.adminKubeconfigPath,
      operatorKubeconfig,
      description: [
        [
          "control plane",
          `kube-apiserver ${plane.version} at ${plane.url} (etcd, kube-controller-manager; built from upstream)`,
        ],
        ["admin kubeconfig", plane.adminKubeconfigPath],
        [
          "operator identity",
          `ServiceAccount ${OPERATOR_NAMESPACE}/${OPERATOR_SERVICE_ACCOUNT} (deploy/install.yaml RBAC)`,
        ],
      ],
      stop: async () => {
        await jobs.stop();
        await builds.stop();
        await plane.stop();
      },
    };
  } catch (error) {
    await plane.stop();
    throw error;
  }
}
