/**
 * Registry faults: every `docker-registry` of the real-plane environment sits behind a
 * {@link startRegistryFaultProxy} (5xx answers, blob transfers reset half-way, slow responses),
 * quiet for an undisturbed run, then injecting while the builds push their images and the operator
 * reads them and pushes the release. The release must come out complete (skopeo copies it, and
 * every component image it names, from the registry itself, blob by blob, to an OCI layout) with
 * the undisturbed run's digest, or the PayloadBuild must say why while it retries.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { EVENTS } from "../../src/kube/resource.js";
import { createNamespace, type E2eEnvironment } from "../e2e/e2e-harness.js";
import { creationsByName, duplicates } from "./audit-checks.js";
import type { RegistryFaultCounts, RegistryFaultProxy, RegistryFaults } from "./registry-fault-proxy.js";
import { NO_REGISTRY_FAULTS } from "./registry-fault-proxy.js";
import {
  applyBehaviours,
  applyPayload,
  deletePayload,
  reliabilityPayload,
  seededRandom,
  waitReady,
  type PayloadShape,
} from "./reliability-payload.js";

const run = promisify(execFile);
/** Condition reasons that say something went wrong (the rest report progress). */
const TROUBLE = ["ReleaseFailed", "ComponentFailed", "WriteRefused"];

/** The proxies of the environment, by the host they serve on, with the registry behind each. */
export type RegistryProxies = ReadonlyMap<
  string,
  { readonly proxy: RegistryFaultProxy; readonly backend: string }
>;

/** Options of {@link registryFaultScenario}. */
export interface RegistryFaultOptions {
  readonly shape: PayloadShape;
  readonly seed: number;
  readonly faults: RegistryFaults;
  readonly timeoutMs: number;
}

/** What {@link registryFaultScenario} found. */
export interface RegistryFaultResult {
  readonly components: number;
  readonly injected: RegistryFaultCounts;
  readonly ready: boolean;
  readonly undisturbedDigest: string | undefined;
  readonly digest: string | undefined;
  /** Builds created beyond the undisturbed run's (a failed push fails its build; the operator retries it). */
  readonly extraBuilds: number;
  readonly duplicateCreations: readonly [string, number][];
  /** Images skopeo copied completely from the registry (release and components) / images named. */
  readonly imagesComplete: number;
  readonly imagesChecked: number;
  /** What skopeo said about the images it could not copy. */
  readonly incomplete: readonly string[];
  /** Distinct messages of the PayloadBuild's troubled conditions while faults were on, and its Warning Events. */
  readonly messages: readonly string[];
  readonly wallMs: number;
}

/** Runs the scenario in a new namespace of the real-plane environment `env` started with `proxies`. */
export async function registryFaultScenario(
  env: E2eEnvironment,
  proxies: RegistryProxies,
  options: RegistryFaultOptions,
): Promise<RegistryFaultResult> {
  const started = Date.now();
  const setFaults = (f: RegistryFaults) => {
    for (const { proxy } of proxies.values()) proxy.setFaults(f);
  };
  const ns = await createNamespace(env.client, "registry-faults");
  const payload = reliabilityPayload(
    options.shape,
    seededRandom(options.seed),
    `docker://${env.dockerRegistry.host}/${ns}/release`,
  );
  applyBehaviours(env, payload);
  setFaults(NO_REGISTRY_FAULTS);
  const operator = await env.startOperator([]);
  await applyPayload(env, ns, payload);
  const undisturbed = await waitReady(env, ns, () => operator, options.timeoutMs);
  await deletePayload(env, ns);

  applyBehaviours(env, payload);
  const before = [...proxies.values()].map(({ proxy }) => ({ ...proxy.counts }));
  const mark = (await env.operatorRequests()).length;
  const messages = new Set<string>();
  setFaults(options.faults);
  let final;
  try {
    await applyPayload(env, ns, payload);
    final = await waitReady(
      env,
      ns,
      () => operator,
      options.timeoutMs,
      (status) => {
        for (const c of status.conditions ?? [])
          if (TROUBLE.includes(c.reason ?? "") || (c.type === "Degraded" && c.status === "True"))
            messages.add(`${c.type}=${c.status} ${c.reason ?? ""}: ${c.message ?? ""}`);
      },
    ).catch(() => undefined);
  } finally {
    setFaults(NO_REGISTRY_FAULTS);
  }
  const injected = { requests: 0, errors: 0, resets: 0, slow: 0 };
  [...proxies.values()].forEach(({ proxy }, i) => {
    for (const k of Object.keys(injected) as (keyof RegistryFaultCounts)[])
      injected[k] += proxy.counts[k] - (before[i]?.[k] ?? 0);
  });
  const counts = creationsByName((await env.operatorRequests()).slice(mark), ns);
  // The Warning Events the operator recorded (a build failed by a push, the retry).
  for (const event of (await env.client.list(EVENTS, { namespace: ns })).items)
    if (event["type"] === "Warning")
      messages.add(`Event ${String(event["reason"])}: ${String(event["note"])}`);
  await operator.stop(5_000);

  // Every image the release names, read from the registry itself (not through the proxy).
  const direct = (pullspec: string) => {
    for (const [host, { backend }] of proxies)
      if (pullspec.startsWith(`${host}/`)) return backend + pullspec.slice(host.length);
    return pullspec;
  };
  const images = [
    ...(final?.release?.image === undefined ? [] : [final.release.image]),
    ...(final?.components ?? []).flatMap((c) => (c.image === undefined ? [] : [c.image])),
  ].map(direct);
  const incomplete: string[] = [];
  const scratch = await mkdtemp(join(tmpdir(), "registry-faults-"));
  try {
    for (const [i, image] of images.entries()) {
      const copied = await run(
        "skopeo",
        [
          "copy",
          "--src-tls-verify=false",
          "--quiet",
          `docker://${image}`,
          `oci:${join(scratch, String(i))}:x`,
        ],
        { timeout: 60_000 },
      ).then(
        () => undefined,
        (e: unknown) => `${image}: ${e instanceof Error ? e.message : String(e)}`,
      );
      if (copied !== undefined) incomplete.push(copied);
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  const creations = [...counts.values()].reduce((a, b) => a + b, 0);
  return {
    components: options.shape.components,
    injected,
    ready: final !== undefined,
    undisturbedDigest: undisturbed.release?.digest,
    digest: final?.release?.digest,
    extraBuilds: creations - payload.expectedBuilds.length,
    duplicateCreations: duplicates(counts),
    imagesComplete: images.length - incomplete.length,
    imagesChecked: images.length,
    incomplete,
    messages: [...messages],
    wallMs: Date.now() - started,
  };
}
