/**
 * API faults (dev cluster: only it can inject them): an undisturbed run gives the reference digest;
 * then the same PayloadBuild while the dev cluster answers a share of the operator's writes with
 * 409, 429 (with Retry-After) or 500, ends every watch stream after a few seconds, and drops its
 * watch history every few seconds so resumed watches get 410 Gone. Checked from the audit log:
 * each Build created once per attempt, no request sent again before its 429's Retry-After elapsed.
 */
import { createNamespace, OPERATOR_USER_AGENT, waitFor, type E2eEnvironment } from "../e2e/e2e-harness.js";
import {
  creationsByName,
  duplicates,
  isWrite,
  retryAfterViolations,
  type RetryAfterViolation,
} from "./audit-checks.js";
import {
  applyBehaviours,
  applyPayload,
  buildNames,
  deletePayload,
  reliabilityPayload,
  seededRandom,
  waitReady,
  type PayloadShape,
} from "./reliability-payload.js";

/** Options of {@link apiFaultScenario}. */
export interface ApiFaultOptions {
  readonly shape: PayloadShape;
  readonly seed: number;
  /** Fraction of the operator's writes that fail (409, 429 or 500). */
  readonly writeFailureRate: number;
  readonly retryAfterSeconds: number;
  /** Every watch stream ends after a random time in this range (ms). */
  readonly watchLifetimeMs: [number, number];
  /** The watch history is dropped this often (ms). */
  readonly compactEveryMs: number;
  readonly timeoutMs: number;
}

/** What {@link apiFaultScenario} found. */
export interface ApiFaultResult {
  readonly components: number;
  readonly expectedBuilds: readonly string[];
  readonly builds: readonly string[];
  readonly creations: number;
  readonly duplicateCreations: readonly [string, number][];
  readonly ready: boolean;
  readonly undisturbedDigest: string | undefined;
  readonly digest: string | undefined;
  /** The operator's writes during the faulty run, and those answered with each injected code. */
  readonly writes: number;
  readonly failedWrites: { readonly 409: number; readonly 429: number; readonly 500: number };
  readonly watches: number;
  /** Lists during the faulty run: the relists after a resume got 410 Gone. */
  readonly lists: number;
  readonly compactions: number;
  readonly retryAfter: { readonly throttled: number; readonly violations: readonly RetryAfterViolation[] };
  readonly auditDropped: number;
  readonly wallMs: number;
}

/** Runs the scenario in a new namespace of the dev environment `env`. */
export async function apiFaultScenario(
  env: E2eEnvironment,
  options: ApiFaultOptions,
): Promise<ApiFaultResult> {
  const faults = env.apiFaults;
  if (faults === undefined) throw new Error("API faults can only be injected on the dev cluster");
  const started = Date.now();
  const ns = await createNamespace(env.client, "api-faults");
  const payload = reliabilityPayload(
    options.shape,
    seededRandom(options.seed),
    `docker://${env.dockerRegistry.host}/${ns}/release`,
  );
  applyBehaviours(env, payload);
  const operator = await env.startOperator([]);
  await applyPayload(env, ns, payload);
  const undisturbed = await waitReady(env, ns, () => operator, options.timeoutMs);
  await deletePayload(env, ns);

  applyBehaviours(env, payload);
  const mark = (await env.operatorRequests()).length;
  const mixed = {
    writeFailureRate: options.writeFailureRate,
    writeFailureCodes: [409, 429, 500] as (409 | 429 | 500)[],
    retryAfterSeconds: options.retryAfterSeconds,
    watchLifetimeMs: options.watchLifetimeMs,
    userAgent: OPERATOR_USER_AGENT,
  };
  // First every write throttled until a few 429s were answered (so their handling is always
  // checked), then the mix; the watches opened before the faults end now, their successors live
  // `watchLifetimeMs`.
  faults.set({ ...mixed, writeFailureRate: 1, writeFailureCodes: [429] });
  faults.closeWatches();
  let compactions = 0;
  const compacting = setInterval(() => {
    faults.compactHistory();
    compactions += 1;
  }, options.compactEveryMs);
  let final;
  try {
    await applyPayload(env, ns, payload);
    await waitFor(
      async () =>
        (await env.operatorRequests()).slice(mark).filter((e) => e.code === 429).length >= 3
          ? true
          : undefined,
      "three throttled writes",
    );
    faults.set(mixed);
    final = await waitReady(env, ns, () => operator, options.timeoutMs).catch(() => undefined);
  } finally {
    clearInterval(compacting);
    faults.set({});
  }
  const requests = (await env.operatorRequests()).slice(mark);
  const counts = creationsByName(requests, ns);
  const writes = requests.filter(isWrite);
  const failed = (code: number) => writes.filter((e) => e.code === code).length;
  await operator.stop(5_000);
  return {
    components: options.shape.components,
    expectedBuilds: payload.expectedBuilds,
    builds: await buildNames(env, ns),
    creations: [...counts.values()].reduce((a, b) => a + b, 0),
    duplicateCreations: duplicates(counts),
    ready: final !== undefined,
    undisturbedDigest: undisturbed.release?.digest,
    digest: final?.release?.digest,
    writes: writes.length,
    failedWrites: { 409: failed(409), 429: failed(429), 500: failed(500) },
    watches: requests.filter((e) => e.verb === "watch").length,
    lists: requests.filter((e) => e.verb === "list").length,
    compactions,
    retryAfter: retryAfterViolations(requests, options.retryAfterSeconds * 1000),
    auditDropped: env.auditDropped(),
    wallMs: Date.now() - started,
  };
}
