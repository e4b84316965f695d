/**
 * Following a PayloadBuild's progress until it is done, for the demo: the operator's status is the
 * only source (what `kubectl get payloadbuilds` shows), polled a few times a second.
 */
import { PayloadBuildStatusSchema, findCondition, type PayloadBuildStatus } from "../api/index.js";
import type { KubeClient } from "../kube/kube-client.js";
import { PAYLOAD_BUILDS } from "../payload-build/payload-build-controller.js";
import { DemoError } from "./demo-error.js";
import {
  landedComponents,
  progressKey,
  renderProgressLine,
  renderProgressPlain,
  type ProgressSnapshot,
} from "./demo-progress.js";
import type { OperatorProcess } from "./operator-process.js";

async function statusOf(
  client: KubeClient,
  namespace: string,
  name: string,
): Promise<PayloadBuildStatus | undefined> {
  const pb = await client.get(PAYLOAD_BUILDS, { namespace, name });
  const parsed = PayloadBuildStatusSchema.safeParse(pb["status"] ?? {});
  return parsed.success ? parsed.data : undefined;
}

function failureMessage(name: string, status: PayloadBuildStatus): string {
  const lines = [`PayloadBuild ${name} ended in phase ${status.phase ?? "?"}`];
  for (const type of ["Ready", "Degraded"]) {
    const c = findCondition(status.conditions, type);
    if (c !== undefined && c.message !== "") lines.push(`  ${type}=${c.status} ${c.reason}: ${c.message}`);
  }
  for (const c of status.components ?? []) {
    if (c.state === "Failed" || c.state === "Blocked")
      lines.push(`  ${c.name}: ${c.state}${c.message === undefined ? "" : ` (${c.message})`}`);
  }
  return lines.join("\n");
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

/** What {@link followPayloadBuild} watches and where it writes. */
export interface FollowTarget {
  readonly client: KubeClient;
  readonly namespace: string;
  readonly name: string;
  /** The operator process: its exit ends the wait, its log tail explains failures. */
  readonly operator: OperatorProcess;
  /** `Date.now()` when the demo started (elapsed times and the timeout count from it). */
  readonly started: number;
  readonly timeoutMs: number;
  readonly out: { write(text: string): unknown; readonly isTTY?: boolean; readonly columns?: number };
  readonly signal?: AbortSignal | undefined;
}

/**
 * Polls the PayloadBuild, printing progress (in place on a terminal, a line per change otherwise),
 * until it has succeeded with a release; throws a {@link DemoError} when it failed or is invalid,
 * the operator exited, the time is up, or `signal` aborted.
 */
export async function followPayloadBuild(target: FollowTarget): Promise<PayloadBuildStatus> {
  const { client, name, namespace, operator, started } = target;
  const tty = target.out.isTTY === true;
  let landedBefore = new Set<string>();
  let lastKey = "";
  const endLine = (): void => {
    if (tty) target.out.write("\n");
  };
  for (;;) {
    if (target.signal?.aborted === true) {
      endLine();
      throw new DemoError("interrupted");
    }
    if (operator.hasExited()) {
      endLine();
      throw new DemoError(
        `the operator exited (${String(await operator.exited)}); its last log lines:\n${await operator.tail()}`,
      );
    }
    const status = await statusOf(client, namespace, name);
    const landed = landedComponents(status);
    const snapshot: ProgressSnapshot = {
      phase: status?.phase ?? "Pending",
      counts: status?.counts,
      newlyLanded: [...landed].filter((c) => !landedBefore.has(c)).sort(),
      elapsedMs: Date.now() - started,
    };
    landedBefore = landed;
    if (tty)
      target.out.write(
        `\r\x1b[2K${renderProgressLine(snapshot, (target.out.columns ?? 0) >= 40 ? (target.out.columns ?? 0) : 100)}`,
      );
    else if (progressKey(snapshot) !== lastKey) target.out.write(renderProgressPlain(snapshot));
    lastKey = progressKey(snapshot);
    if (status !== undefined && status.phase === "Succeeded" && status.release?.image !== undefined) {
      endLine();
      return status;
    }
    if (status !== undefined && (status.phase === "Failed" || status.phase === "Invalid")) {
      endLine();
      throw new DemoError(failureMessage(`${namespace}/${name}`, status));
    }
    if (Date.now() - started > target.timeoutMs) {
      endLine();
      throw new DemoError(
        `timed out after ${Math.round(target.timeoutMs / 1000)} s; last status:\n${status === undefined ? "(none)" : failureMessage(`${namespace}/${name}`, status)}\noperator log:\n${await operator.tail()}`,
      );
    }
    await sleep(tty ? 200 : 500, target.signal);
  }
}
