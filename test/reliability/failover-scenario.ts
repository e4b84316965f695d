/**
 * Failover: two operator replicas with leader election on the real control plane (a real Lease),
 * each with its own identity (and so its own User-Agent, `okd-payload-operator/<identity>`). The
 * leader is SIGKILLed mid-build; the standby must take the Lease over within the lease duration (plus
 * the retry period client-go's algorithm may add) and finish the build. From the audit log: at no
 * moment do both write (the spans of their useful writes do not overlap), the standby writes nothing
 * before it leads, and every Build is created once.
 */
import type { OperatorProcess } from "../../src/demo/operator-process.js";
import { operatorUserAgent } from "../../src/main.js";
import { createNamespace, waitFor, type E2eEnvironment } from "../e2e/e2e-harness.js";
import {
  creationsByName,
  duplicates,
  overlappingWriters,
  timeOf,
  writerSpans,
  type WriterSpan,
} from "./audit-checks.js";
import {
  applyBehaviours,
  applyPayload,
  buildNames,
  identityOf,
  reliabilityPayload,
  seededRandom,
  waitReady,
  type PayloadShape,
} from "./reliability-payload.js";

/** The operator's Lease duration and retry period (controller-runtime's defaults, which it uses). */
export const LEASE_DURATION_MS = 15_000;
export const LEASE_RETRY_MS = 2_000;

/** Options of {@link failoverScenario}. */
export interface FailoverOptions {
  readonly shape: PayloadShape;
  readonly seed: number;
  /** The leader is killed once this many Builds exist. */
  readonly killAfterBuilds: number;
  readonly timeoutMs: number;
}

/** What {@link failoverScenario} found. */
export interface FailoverResult {
  readonly components: number;
  /** ms from the SIGKILL to the standby's first successful Lease write. */
  readonly takeoverAfterKillMs: number;
  /** ms from the dead leader's last successful Lease write to the standby's first. */
  readonly takeoverAfterLastRenewMs: number;
  readonly spans: readonly WriterSpan[];
  readonly overlaps: number;
  /** Useful writes of the standby before it held the Lease. */
  readonly standbyWritesBeforeLeading: number;
  readonly expectedBuilds: readonly string[];
  readonly builds: readonly string[];
  readonly duplicateCreations: readonly [string, number][];
  readonly ready: boolean;
  readonly wallMs: number;
}

/** Resolves once `operator` logged that it acquired the Lease. */
async function leading(operator: OperatorProcess, timeoutMs: number): Promise<void> {
  await waitFor(
    async () => ((await operator.tail(2_000)).includes('"acquired leader lease"') ? true : undefined),
    "the operator to acquire the leader Lease",
    timeoutMs,
  );
}

/** Runs the scenario in a new namespace of the real-plane environment `env`. */
export async function failoverScenario(
  env: E2eEnvironment,
  options: FailoverOptions,
): Promise<FailoverResult> {
  const started = Date.now();
  const ns = await createNamespace(env.client, "failover");
  const payload = reliabilityPayload(
    options.shape,
    seededRandom(options.seed),
    `docker://${env.dockerRegistry.host}/${ns}/release`,
  );
  applyBehaviours(env, payload);
  const mark = (await env.operatorRequests()).length;
  const first = await env.startOperator(["--leader-elect"]);
  // A dead replica of an earlier scenario may still hold the Lease: wait out its duration.
  await leading(first, LEASE_DURATION_MS * 3 + 90_000);
  const second = await env.startOperator(["--leader-elect"]);
  const [leaderUa, standbyUa] = (await Promise.all([identityOf(first), identityOf(second)])).map(
    operatorUserAgent,
  );
  await applyPayload(env, ns, payload);
  await waitFor(
    async () => ((await buildNames(env, ns)).length >= options.killAfterBuilds ? true : undefined),
    `${options.killAfterBuilds} Builds`,
    options.timeoutMs,
  );
  await first.kill("SIGKILL");
  const killedAt = Date.now();
  await leading(second, LEASE_DURATION_MS * 3);
  const final = await waitReady(env, ns, () => second, options.timeoutMs).catch(() => undefined);
  const requests = (await env.operatorRequests()).slice(mark);
  await second.stop(5_000);

  const leaseWrites = (ua: string) =>
    requests.filter(
      (e) =>
        e.resource === "leases" && e.userAgent === ua && e.code >= 200 && e.code < 300 && e.verb !== "get",
    );
  const lastRenew = Math.max(...leaseWrites(leaderUa ?? "").map(timeOf));
  const takeover = Math.min(...leaseWrites(standbyUa ?? "").map(timeOf));
  const spans = writerSpans(requests, (ua) => ua === leaderUa || ua === standbyUa);
  const standby = spans.find((s) => s.userAgent === standbyUa);
  const counts = creationsByName(requests, ns);
  return {
    components: options.shape.components,
    takeoverAfterKillMs: takeover - killedAt,
    takeoverAfterLastRenewMs: takeover - lastRenew,
    spans,
    overlaps: overlappingWriters(spans).length,
    standbyWritesBeforeLeading: requests.filter(
      (e) =>
        e.userAgent === standbyUa &&
        e.resource !== "leases" &&
        e.verb !== "get" &&
        e.verb !== "list" &&
        e.verb !== "watch" &&
        timeOf(e) < takeover,
    ).length,
    expectedBuilds: payload.expectedBuilds,
    builds: await buildNames(env, ns),
    duplicateCreations: duplicates(counts),
    ready: final !== undefined && standby !== undefined,
    wallMs: Date.now() - started,
  };
}
