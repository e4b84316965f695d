/**
 * The end-to-end environment on the real control plane: etcd + kube-apiserver +
 * kube-controller-manager built from upstream, our CRDs and the OpenShift/Shipwright stand-in
 * CRDs, OpenShift's BuildByStrategy admission (as a ValidatingAdmissionPolicy), and
 * `deploy/install.yaml` applied with kubectl. The operator authenticates as its own
 * ServiceAccount (a TokenRequest token) bound to the generated ClusterRole and Role, never as an
 * administrator. The simulated build system runs beside it as an ordinary API client (admin, in
 * the role of openshift-controller-manager) and pushes to one Debian `docker-registry`; releases
 * go to another.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { BehaviourControl } from "../../src/devcluster/builds/build-behaviour.js";
import { startBuildSystem } from "../../src/devcluster/builds/index.js";
import { startJobRunner } from "../../src/devcluster/jobs/index.js";
import { startRegistryAccessControl } from "../../src/devcluster/registry/index.js";
import {
  OPERATOR_NAMESPACE,
  OPERATOR_SERVICE_ACCOUNT,
  OPERATOR_USER,
} from "../../src/control-plane/operator-identity.js";
import { startControlPlane, type ControlPlane } from "../../src/control-plane/control-plane.js";
import { startDockerRegistry, type RunningDockerRegistry } from "../support/docker-registry.js";
import { operatorStarter, type E2eEnvironment, type E2eOptions } from "./e2e-harness.js";

const run = promisify(execFile);

/** Repository root. */
const ROOT = new URL("../../", import.meta.url).pathname;

/** `kubectl apply -f deploy/install.yaml` and the test-only CRDs/admission on `plane`. */
export async function installOperatorOn(plane: ControlPlane): Promise<void> {
  await plane.installCrds([join(ROOT, "test/control-plane/crds")]);
  const kubectl = (...args: string[]) =>
    run("kubectl", ["--kubeconfig", plane.adminKubeconfigPath, ...args], { cwd: ROOT });
  await kubectl("apply", "-f", "test/control-plane/admission/build-by-strategy.yaml");
  await kubectl("apply", "-f", "deploy/install.yaml");
  await plane.installCrds([join(ROOT, "crds")]);
}

/** Starts the real-plane environment (see the module documentation). */
export async function startRealPlaneEnvironment(options: E2eOptions): Promise<E2eEnvironment> {
  const work = await mkdtemp(join(tmpdir(), "payload-e2e-real-"));
  const stops: (() => Promise<unknown>)[] = [() => rm(work, { recursive: true, force: true })];
  const stop = async (): Promise<void> => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
  };
  try {
    const [plane, imageBackend, releaseBackend] = await Promise.all([
      startControlPlane({ dir: join(work, "control-plane") }),
      startDockerRegistry(),
      startDockerRegistry(),
    ]);
    stops.push(
      () => plane.stop(),
      () => imageBackend.stop(),
      () => releaseBackend.stop(),
    );
    const wrap = async (registry: RunningDockerRegistry): Promise<RunningDockerRegistry> => {
      if (options.wrapRegistry === undefined) return registry;
      const front = await options.wrapRegistry(registry.host);
      stops.push(() => front.stop());
      return { ...registry, host: front.host, url: `http://${front.host}` };
    };
    const imageRegistry = await wrap(imageBackend);
    const dockerRegistry = await wrap(releaseBackend);
    await installOperatorOn(plane);
    const registryAccess =
      options.integratedRegistryAccess === true
        ? await startRegistryAccessControl({
            backend: imageRegistry.host,
            apiServer: { url: plane.url, caPem: plane.caPem },
          })
        : undefined;
    if (registryAccess !== undefined) stops.push(() => registryAccess.stop());
    const integratedHost = registryAccess?.host ?? imageRegistry.host;
    const adminToken = plane.adminKubeConfig.getCurrentUser()?.token;
    const behaviours = new BehaviourControl(options.speed);
    const buildSystem = await startBuildSystem({
      kubeConfig: plane.adminKubeConfig,
      registry: { host: integratedHost },
      // The build system pushes with its own identity (the admin's token, as OpenShift's builder
      // pushes with the builder ServiceAccount's).
      ...(registryAccess === undefined || adminToken === undefined
        ? {}
        : {
            registryOptions: {
              dockerConfigJson: { auths: { [integratedHost]: { username: "admin", password: adminToken } } },
            },
          }),
      behaviours,
      profile: options.profile ?? {},
    });
    stops.push(() => buildSystem.stop());
    const jobRunner = await startJobRunner({ kubeConfig: plane.adminKubeConfig, speed: options.speed });
    stops.push(() => jobRunner.stop());
    const kubeconfig = join(work, "operator-kubeconfig");
    await plane.serviceAccountKubeconfig(OPERATOR_NAMESPACE, OPERATOR_SERVICE_ACCOUNT, kubeconfig);
    return {
      plane: "real",
      client: plane.client,
      kubeconfigPath: plane.adminKubeconfigPath,
      builds: { setBehaviour: (component, behaviour) => behaviours.set(component, behaviour) },
      jobs: jobRunner,
      dockerRegistry,
      ...(registryAccess === undefined ? {} : { registryAccess }),
      work,
      startOperator: operatorStarter({
        work,
        kubeconfig,
        args: [
          "--leader-election-namespace",
          OPERATOR_NAMESPACE,
          "--insecure-registry",
          integratedHost,
          ...(registryAccess === undefined ? [] : ["--integrated-registry", integratedHost]),
          "--insecure-registry",
          dockerRegistry.host,
        ],
        onStart: (operator) => stops.push(() => operator.stop(5_000)),
      }),
      operatorRequests: async () => (await plane.auditRecords()).filter((r) => r.user === OPERATOR_USER),
      auditDropped: () => 0,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
