/**
 * One run of the reliability harness: the scenarios with their sizes, on the environments they
 * need (one real control plane whose registries sit behind fault proxies, one dev cluster), and
 * their results. `npm run reliability` runs it at full size and writes docs/reliability.md; the
 * vitest test runs it reduced.
 */
import { startE2eEnvironment, type E2eEnvironment } from "../e2e/e2e-harness.js";
import { apiFaultScenario, type ApiFaultResult } from "./api-fault-scenario.js";
import { crashScenario, type CrashResult } from "./crash-scenario.js";
import { failoverScenario, type FailoverResult } from "./failover-scenario.js";
import {
  startRegistryFaultProxy,
  type RegistryFaultProxy,
  type RegistryFaults,
} from "./registry-fault-proxy.js";
import { registryFaultScenario, type RegistryFaultResult } from "./registry-fault-scenario.js";
import type { PayloadShape } from "./reliability-payload.js";

/** Sizes of one run. */
export interface ReliabilitySizes {
  readonly crash: { readonly components: number; readonly kills: number };
  readonly apiFaults: { readonly components: number };
  readonly registryFaults: { readonly components: number };
  readonly failover: { readonly components: number };
  readonly seed: number;
}

/** `npm run reliability`'s sizes (the issue's: 10 kills during a 60-component build). */
export const FULL_SIZES: ReliabilitySizes = {
  crash: { components: 60, kills: 10 },
  apiFaults: { components: 40 },
  registryFaults: { components: 16 },
  failover: { components: 24 },
  seed: 2026,
};

/** The vitest test's sizes. */
export const REDUCED_SIZES: ReliabilitySizes = {
  crash: { components: 12, kills: 3 },
  apiFaults: { components: 12 },
  registryFaults: { components: 6 },
  failover: { components: 8 },
  seed: 12,
};

/** The registry faults injected (fractions of requests; see `registry-fault-proxy.ts`). */
export const REGISTRY_FAULTS: RegistryFaults = {
  errorRate: 0.1,
  resetRate: 0.25,
  slowRate: 0.1,
  slowMs: 400,
};
/** The API faults injected (see `api-fault-scenario.ts`). */
export const API_FAULTS = {
  writeFailureRate: 0.1,
  retryAfterSeconds: 1,
  watchLifetimeMs: [2_000, 5_000] as [number, number],
  compactEveryMs: 3_000,
};
/** Simulated builds take 1 to 4 s (20 to 80 s at the environments' speed factor of 20). */
const SPEED = 20;
const shape = (components: number, failOnceRate: number, concurrency = 8): PayloadShape => ({
  components,
  minDurationMs: 20_000,
  maxDurationMs: 80_000,
  failOnceRate,
  concurrency,
});

/** Every scenario's result. */
export interface ReliabilityResults {
  readonly sizes: ReliabilitySizes;
  readonly crash: CrashResult;
  readonly apiFaults: ApiFaultResult;
  readonly registryFaults: RegistryFaultResult;
  readonly failover: FailoverResult;
  readonly wallMs: number;
}

/** A real-plane environment whose two `docker-registry` instances sit behind fault proxies (quiet until told). */
export async function startRealWithProxies(): Promise<{
  env: E2eEnvironment;
  proxies: Map<string, { proxy: RegistryFaultProxy; backend: string }>;
}> {
  const proxies = new Map<string, { proxy: RegistryFaultProxy; backend: string }>();
  const env = await startE2eEnvironment({
    speed: SPEED,
    plane: "real",
    wrapRegistry: async (backend) => {
      const proxy = await startRegistryFaultProxy(backend);
      proxies.set(proxy.host, { proxy, backend });
      return proxy;
    },
  });
  return { env, proxies };
}

/** Runs every scenario at `sizes`; `log` hears each result as it comes. */
export async function runReliability(
  sizes: ReliabilitySizes,
  log: (what: string, result: unknown) => void = () => undefined,
): Promise<ReliabilityResults> {
  const started = Date.now();
  const { env: real, proxies } = await startRealWithProxies();
  let crash: CrashResult;
  let registryFaults: RegistryFaultResult;
  let failover: FailoverResult;
  try {
    crash = await crashScenario(real, {
      // Four builds at a time, so the build outlasts the kills and the restarts between them.
      shape: shape(sizes.crash.components, 0.1, 4),
      kills: sizes.crash.kills,
      seed: sizes.seed,
      leaderElect: false,
      maxKillDelayMs: 3_000,
      timeoutMs: 300_000,
    });
    log("crash", crash);
    failover = await failoverScenario(real, {
      shape: shape(sizes.failover.components, 0.1, 4),
      seed: sizes.seed + 1,
      killAfterBuilds: Math.max(2, Math.floor(sizes.failover.components / 3)),
      timeoutMs: 300_000,
    });
    log("failover", failover);
    registryFaults = await registryFaultScenario(real, proxies, {
      shape: { ...shape(sizes.registryFaults.components, 0), maxAttempts: 6 },
      seed: sizes.seed + 2,
      faults: REGISTRY_FAULTS,
      timeoutMs: 300_000,
    });
    log("registryFaults", registryFaults);
  } finally {
    await real.stop();
  }
  const dev = await startE2eEnvironment({ speed: SPEED, plane: "dev" });
  let apiFaults: ApiFaultResult;
  try {
    apiFaults = await apiFaultScenario(dev, {
      shape: shape(sizes.apiFaults.components, 0.1),
      seed: sizes.seed + 3,
      ...API_FAULTS,
      timeoutMs: 300_000,
    });
    log("apiFaults", apiFaults);
  } finally {
    await dev.stop();
  }
  return { sizes, crash, apiFaults, registryFaults, failover, wallMs: Date.now() - started };
}
