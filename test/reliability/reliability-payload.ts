/**
 * The payload the reliability scenarios build: `base` from an external image, the
 * cluster-version-operator, and `n - 2` further components each built `FROM` a random earlier one
 * (a seeded random DAG), with seeded random build durations and some components whose first build
 * fails. Plus the steps every scenario shares: apply, wait for Ready, delete, count.
 */
import type { BuildBehaviour } from "../../src/devcluster/builds/index.js";
import type { OperatorProcess } from "../../src/demo/operator-process.js";
import { isNotFound } from "../../src/kube/kube-errors.js";
import { BUILDS } from "../../src/builds/build-resources.js";
import { PAYLOAD_BUILDS } from "../../src/payload-build/payload-build-controller.js";
import type { PayloadBuildStatus } from "../../src/api/index.js";
import {
  CENTOS,
  component,
  hasCondition,
  statusOf,
  waitFor,
  type E2eEnvironment,
} from "../e2e/e2e-harness.js";

/** The PayloadBuild's name (Build names are `okd-<component>-<attempt>`). */
export const PAYLOAD_NAME = "okd";
/** The release name the scenarios assemble. */
export const RELEASE_NAME = "4.17.0-0.okd-reliability-2026-12-04-120000";

/** A seeded PRNG (mulberry32): the same seed gives the same payload, durations and kill moments. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Shape of the generated payload. */
export interface PayloadShape {
  readonly components: number;
  /** Simulated build durations (before the environment's speed factor), ms. */
  readonly minDurationMs: number;
  readonly maxDurationMs: number;
  /** Fraction of components whose first build fails (they build twice). */
  readonly failOnceRate: number;
  readonly concurrency: number;
  readonly maxAttempts?: number;
}

/** A generated payload: its spec, each component's behaviour, and the Builds it must create. */
export interface ReliabilityPayload {
  readonly spec: Record<string, unknown>;
  readonly behaviours: ReadonlyMap<string, BuildBehaviour>;
  /** `okd-<component>-<attempt>` of every build an undisturbed run creates, sorted. */
  readonly expectedBuilds: readonly string[];
}

/** Generates the payload (see the module documentation); `to` is the release repository. */
export function reliabilityPayload(
  shape: PayloadShape,
  random: () => number,
  to: string,
): ReliabilityPayload {
  const names = ["base", "cluster-version-operator"];
  for (let i = 1; names.length < shape.components; i++) names.push(`component-${String(i).padStart(3, "0")}`);
  const components = names.map((name, i) =>
    i === 0 ? component(name, CENTOS) : component(name, names[Math.floor(random() * i)] ?? "base"),
  );
  const behaviours = new Map<string, BuildBehaviour>();
  const expectedBuilds: string[] = [];
  for (const name of names) {
    const durationMs = Math.round(
      shape.minDurationMs + random() * (shape.maxDurationMs - shape.minDurationMs),
    );
    const failOnce = name !== "base" && random() < shape.failOnceRate;
    behaviours.set(name, { durationMs, ...(failOnce ? { failTimes: 1 } : {}) });
    expectedBuilds.push(`${PAYLOAD_NAME}-${name}-1`, ...(failOnce ? [`${PAYLOAD_NAME}-${name}-2`] : []));
  }
  return {
    spec: {
      imageStream: "release",
      concurrency: shape.concurrency,
      retry: { maxAttempts: shape.maxAttempts ?? 2 },
      components,
      release: { name: RELEASE_NAME, to },
    },
    behaviours,
    expectedBuilds: expectedBuilds.sort(),
  };
}

/** Sets every component's behaviour again (failure counts start from zero). */
export function applyBehaviours(env: E2eEnvironment, payload: ReliabilityPayload): void {
  for (const [name, behaviour] of payload.behaviours) env.builds.setBehaviour(name, behaviour);
}

/** Creates the PayloadBuild in `namespace`. */
export async function applyPayload(
  env: E2eEnvironment,
  namespace: string,
  payload: ReliabilityPayload,
): Promise<void> {
  await env.client.create(PAYLOAD_BUILDS, {
    apiVersion: "payload.okd.io/v1alpha1",
    kind: "PayloadBuild",
    metadata: { name: PAYLOAD_NAME, namespace },
    spec: payload.spec,
  });
}

/** True when the status says Ready=True. */
export function isReady(status: PayloadBuildStatus | undefined): boolean {
  return status !== undefined && hasCondition(status, "Ready", "True");
}

/**
 * Polls the PayloadBuild until Ready=True and returns its status; throws after `timeoutMs`, or at
 * once when the status says Failed, naming the last status and the operator's log tail.
 */
export async function waitReady(
  env: E2eEnvironment,
  namespace: string,
  operator: () => OperatorProcess,
  timeoutMs: number,
  onStatus?: (status: PayloadBuildStatus) => void,
): Promise<PayloadBuildStatus> {
  const deadline = Date.now() + timeoutMs;
  let last: PayloadBuildStatus | undefined;
  for (;;) {
    last = await statusOf(env.client, namespace, PAYLOAD_NAME).catch(() => last);
    if (last !== undefined) onStatus?.(last);
    if (isReady(last) && last !== undefined) return last;
    if (Date.now() > deadline || last?.phase === "Failed") {
      throw new Error(
        `${last?.phase === "Failed" ? "PayloadBuild failed" : "timed out"} waiting for Ready=True in ${namespace}; last status: ${JSON.stringify(last, null, 1)}\noperator log:\n${await operator().tail(30)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Deletes the PayloadBuild and waits until it and its Builds are gone. */
export async function deletePayload(env: E2eEnvironment, namespace: string): Promise<void> {
  await env.client.delete(PAYLOAD_BUILDS, { namespace, name: PAYLOAD_NAME });
  await waitFor(
    async () => {
      const gone = await env.client.get(PAYLOAD_BUILDS, { namespace, name: PAYLOAD_NAME }).then(
        () => false,
        (e: unknown) => isNotFound(e),
      );
      const builds = (await env.client.list(BUILDS, { namespace })).items.length;
      return gone && builds === 0 ? true : undefined;
    },
    `PayloadBuild ${namespace}/${PAYLOAD_NAME} and its Builds to be gone`,
    60_000,
  );
}

/** The names of the Builds in `namespace`, sorted. */
export async function buildNames(env: E2eEnvironment, namespace: string): Promise<string[]> {
  return (await env.client.list(BUILDS, { namespace })).items.map((b) => b.metadata.name).sort();
}

/** The identity an operator logged in its `operator started` line. */
export async function identityOf(operator: OperatorProcess, timeoutMs = 120_000): Promise<string> {
  return waitFor(
    async () => {
      const log = await operator.tail(2_000);
      for (const line of log.split("\n")) {
        if (!line.includes('"operator started"')) continue;
        const parsed = JSON.parse(line) as { identity?: unknown };
        if (typeof parsed.identity === "string") return parsed.identity;
      }
      if (operator.hasExited()) throw new Error(`the operator exited before it started; log:\n${log}`);
      return undefined;
    },
    "the operator's identity in its log (a process start-up on a loaded machine)",
    timeoutMs,
  );
}
