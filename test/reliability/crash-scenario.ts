/**
 * Crashes: an undisturbed run of a generated payload gives the reference digest; then the same
 * PayloadBuild again while the operator is SIGKILLed at random moments and restarted each time.
 * Measured from the audit log: Build creations per name (each Build of each attempt exactly once),
 * the time from each restart to the operator's first useful write; from the status: Ready=True and
 * the release digest.
 */
import type { OperatorProcess } from "../../src/demo/operator-process.js";
import { createNamespace, type E2eEnvironment } from "../e2e/e2e-harness.js";
import {
  creationsByName,
  duplicates,
  firstUsefulWriteAfter,
  timeOf,
  type AuditedRequest,
} from "./audit-checks.js";
import {
  applyBehaviours,
  applyPayload,
  buildNames,
  deletePayload,
  isReady,
  reliabilityPayload,
  seededRandom,
  waitReady,
  type PayloadShape,
} from "./reliability-payload.js";
import { statusOf } from "../e2e/e2e-harness.js";
import { identityOf, PAYLOAD_NAME } from "./reliability-payload.js";
import { operatorUserAgent } from "../../src/main.js";

/** Options of {@link crashScenario}. */
export interface CrashOptions {
  readonly shape: PayloadShape;
  readonly kills: number;
  readonly seed: number;
  /** Run the operator with `--leader-elect` (a restart then waits for the dead one's Lease to expire). */
  readonly leaderElect: boolean;
  /** After a restart's first useful write, the kill comes after a random delay up to this. */
  readonly maxKillDelayMs: number;
  readonly timeoutMs: number;
}

/** What {@link crashScenario} found. */
export interface CrashResult {
  readonly plane: string;
  readonly components: number;
  readonly killsAsked: number;
  readonly kills: number;
  readonly leaderElect: boolean;
  readonly expectedBuilds: readonly string[];
  /** Builds in the namespace at the end. */
  readonly builds: readonly string[];
  /** Successful Build creations counted in the audit log during the disturbed run. */
  readonly creations: number;
  readonly duplicateCreations: readonly [string, number][];
  readonly ready: boolean;
  readonly undisturbedDigest: string | undefined;
  readonly digest: string | undefined;
  readonly sameComponentImages: boolean;
  /** Per restart: ms from the process start to its first useful write. */
  readonly recoveryMs: readonly number[];
  /** Per restart: ms from the process start to its first API request (the process starting up). */
  readonly startupMs: readonly number[];
  readonly auditDropped: number;
  readonly wallMs: number;
}

/** Runs the scenario in a new namespace of `env` (see the module documentation). */
export async function crashScenario(env: E2eEnvironment, options: CrashOptions): Promise<CrashResult> {
  const started = Date.now();
  const random = seededRandom(options.seed);
  const ns = await createNamespace(env.client, "crash");
  const payload = reliabilityPayload(
    options.shape,
    random,
    `docker://${env.dockerRegistry.host}/${ns}/release`,
  );
  const flags = options.leaderElect ? ["--leader-elect"] : [];

  applyBehaviours(env, payload);
  let operator: OperatorProcess = await env.startOperator(flags);
  await applyPayload(env, ns, payload);
  const undisturbed = await waitReady(env, ns, () => operator, options.timeoutMs);
  await deletePayload(env, ns);

  applyBehaviours(env, payload);
  const mark = (await env.operatorRequests()).length;
  const recoveryMs: number[] = [];
  const startupMs: number[] = [];
  let restartedAt: number | undefined;
  /** Measures the restart at `restartedAt`, once. */
  const recovered = async () => {
    const since = restartedAt;
    if (since === undefined) return;
    restartedAt = undefined;
    const r = await waitFirstUsefulWrite(env, since, operator);
    recoveryMs.push(r.recoveryMs);
    startupMs.push(r.startupMs);
  };
  let kills = 0;
  await applyPayload(env, ns, payload);
  for (let k = 0; k < options.kills; k++) {
    await recovered();
    await new Promise((r) => setTimeout(r, random() * options.maxKillDelayMs));
    if (isReady(await statusOf(env.client, ns, PAYLOAD_NAME))) break;
    await operator.kill("SIGKILL");
    kills += 1;
    restartedAt = Date.now();
    operator = await env.startOperator(flags);
  }
  await recovered();
  const final = await waitReady(env, ns, () => operator, options.timeoutMs).catch(() => undefined);
  const requests = (await env.operatorRequests()).slice(mark);
  const counts = creationsByName(requests, ns);
  await operator.stop(5_000);
  return {
    plane: env.plane,
    components: options.shape.components,
    killsAsked: options.kills,
    kills,
    leaderElect: options.leaderElect,
    expectedBuilds: payload.expectedBuilds,
    builds: await buildNames(env, ns),
    creations: [...counts.values()].reduce((a, b) => a + b, 0),
    duplicateCreations: duplicates(counts),
    ready: final !== undefined,
    undisturbedDigest: undisturbed.release?.digest,
    digest: final?.release?.digest,
    sameComponentImages:
      JSON.stringify(final?.components?.map((c) => c.image)) ===
      JSON.stringify(undisturbed.components?.map((c) => c.image)),
    recoveryMs,
    startupMs,
    auditDropped: env.auditDropped(),
    wallMs: Date.now() - started,
  };
}

/**
 * Waits for the first useful write of `operator` (started at `since`) and returns the ms it took.
 * On the real plane only the process's own requests count (its User-Agent names its identity): a
 * write the killed process had in flight is logged after the kill.
 */
async function waitFirstUsefulWrite(
  env: E2eEnvironment,
  since: number,
  operator: OperatorProcess,
  timeoutMs = 90_000,
): Promise<{ recoveryMs: number; startupMs: number }> {
  const deadline = Date.now() + timeoutMs;
  const own = env.plane === "real" ? operatorUserAgent(await identityOf(operator)) : undefined;
  for (;;) {
    const requests = (await env.operatorRequests()).filter((e) => own === undefined || e.userAgent === own);
    const ms = firstUsefulWriteAfter(requests, since);
    if (ms !== undefined) return { recoveryMs: ms, startupMs: firstRequestAfter(requests, since) };
    if (operator.hasExited() || Date.now() > deadline)
      throw new Error(`no useful write ${timeoutMs} ms after the restart; log:\n${await operator.tail(30)}`);
    await new Promise((r) => setTimeout(r, 400));
  }
}

function firstRequestAfter(requests: readonly AuditedRequest[], since: number): number {
  const first = requests.find((e) => timeOf(e) >= since);
  return first === undefined ? -1 : timeOf(first) - since;
}
