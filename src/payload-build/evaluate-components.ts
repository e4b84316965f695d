/**
 * Where each component of a valid PayloadBuild stands, read from its build attempts and its
 * ImageStream tag. Pure; used by `decidePayloadBuild`. Components are visited in dependency order,
 * because a component's input identity includes the digests of the images it builds from.
 */
import type { PayloadBuild } from "../api/index.js";
import { ATTEMPT_LABEL, COMPONENT_LABEL, INPUT_HASH_ANNOTATION } from "../builds/child-objects.js";
import type { AttemptState, BuildBackend, DesiredSpecTag } from "../builds/build-backend.js";
import type { ImageStream } from "../builds/image-stream-schema.js";
import type { KubeObject } from "../kube/kube-object.js";
import type { ComponentGraph } from "./component-graph.js";
import { failureMessage, optional } from "./component-status-entry.js";
import { topologicalOrder } from "./levels.js";
import type { ResolvedComponent } from "./resolve-component.js";

/** Computes a component's input identity (`sha256:<hex>`) from its resolved spec, dependency images and backend. */
export type InputHasher = (
  component: ResolvedComponent,
  dependencyImages: Readonly<Record<string, string>>,
  backend: BuildBackend,
) => string;

/** The verdict on one component. */
export type ComponentVerdict =
  "landed" | "building" | "failed" | "blocked" | "waiting" | "ready" | "backoff" | "draining";

/** One component's evaluation. */
export interface ComponentEvaluation {
  readonly component: ResolvedComponent;
  readonly verdict: ComponentVerdict;
  /** Input identity, once every dependency has landed. */
  readonly inputHash?: string;
  /** Landed images of its component dependencies (name -> pullspec@digest). */
  readonly dependencyImages: Readonly<Record<string, string>>;
  /** Attempts with the current identity. */
  readonly attempts: number;
  /** Attempt number a new build would get (above every existing attempt, whatever its identity). */
  readonly nextAttempt: number;
  /** Name of the latest attempt's object with the current identity. */
  readonly build?: string;
  readonly image?: string;
  readonly startedAt?: string;
  readonly completedAt?: string;
  readonly message?: string;
  /** For `backoff`: when the retry may start; for `building`: when waiting for the tag gives up (epoch ms). */
  readonly retryAtMs?: number;
  /** For `failed`/`blocked`: the failed component at the root of it. */
  readonly failedRoot?: string;
  /** Live (Pending/Running) attempts with an outdated identity: to delete. */
  readonly staleLive: readonly KubeObject[];
  /** Live attempts of any identity (they hold build slots). */
  readonly live: number;
  /** Spec tags this component needs on the ImageStream. */
  readonly desiredTags: readonly DesiredSpecTag[];
  /** The latest attempt's object name when it failed (for "newly failed" detection). */
  readonly failedAttempt?: string;
}

/** What {@link evaluateComponents} reads. */
export interface EvaluationInput {
  readonly payloadBuild: PayloadBuild;
  readonly graph: ComponentGraph;
  readonly components: readonly ResolvedComponent[];
  /** The backend building a component (`backendForComponent`). */
  readonly backendFor: (component: ResolvedComponent) => BuildBackend;
  readonly children: readonly KubeObject[];
  readonly imageStream: ImageStream | undefined;
  readonly inputHash: InputHasher;
  readonly nowMs: number;
  /**
   * What the stored status recorded of each component's attempts (see {@link RecordedAttempts}):
   * attempt numbers keep growing after builds were deleted, and attempts are counted from the
   * status, so builds pruned by OpenShift, deleted by a person or by `oc adm prune builds` never
   * give a component more tries than `spec.retry.maxAttempts`.
   */
  readonly recordedAttempts?: ReadonlyMap<string, RecordedAttempts>;
  /** Delay before retry n (n >= 1) of a failed attempt. */
  readonly retryDelayMs: (failures: number) => number;
  /** How long a completed build's image may take to land in its tag before the attempt counts as failed. Default 10 min. */
  readonly landTimeoutMs?: number;
  /**
   * Components that cannot be built, with why (a git ref that does not exist, an image tag that
   * cannot be resolved): `failed` with that message, their dependents `blocked`.
   */
  readonly unbuildable?: ReadonlyMap<string, string>;
}

/** A component's attempts as the stored status recorded them. */
export interface RecordedAttempts {
  /** The input identity the attempts were counted for (`status.components[].inputHash`). */
  readonly inputHash?: string | undefined;
  /** Attempts with that identity (`status.components[].attempts`). */
  readonly attempts: number;
  /** Number of the latest attempt (from `status.components[].build`), 0 when none. */
  readonly latestAttempt: number;
}

/**
 * Attempts used with identity `inputHash`: those the status recorded for it, plus those observed
 * above its latest recorded attempt (created by a reconcile whose status write has not been seen
 * yet). Observed attempts are never pruned before the status has recorded them: OpenShift deletes
 * only completed builds older than the newest `failedBuildsHistoryLimit`, each of which was started
 * by a reconcile that wrote the count first. Pure.
 */
export function attemptsUsed(
  recorded: RecordedAttempts | undefined,
  inputHash: string,
  observed: readonly number[],
): number {
  if (recorded === undefined || recorded.inputHash !== inputHash) return observed.length;
  const upToRecorded = observed.filter((n) => n <= recorded.latestAttempt).length;
  const newer = observed.filter((n) => n > recorded.latestAttempt).length;
  return Math.max(recorded.attempts, upToRecorded) + newer;
}

function isLive(state: AttemptState): boolean {
  return state.phase === "Pending" || state.phase === "Running";
}

function hashOf(state: AttemptState, objects: readonly KubeObject[]): string | undefined {
  if (state.phase !== "Missing" && state.inputHash !== undefined) return state.inputHash;
  return objects.find((o) => o.metadata.annotations?.[INPUT_HASH_ANNOTATION] !== undefined)?.metadata
    .annotations?.[INPUT_HASH_ANNOTATION];
}

/** Children by component, then by attempt number (objects without both labels are left out). */
function attemptsByComponent(children: readonly KubeObject[]): Map<string, Map<number, KubeObject[]>> {
  const byComponent = new Map<string, Map<number, KubeObject[]>>();
  for (const child of children) {
    const labels = child.metadata.labels;
    const component = labels?.[COMPONENT_LABEL];
    const attempt = Number(labels?.[ATTEMPT_LABEL] ?? "");
    if (component === undefined || !Number.isInteger(attempt) || attempt < 1) continue;
    let byAttempt = byComponent.get(component);
    if (byAttempt === undefined) byComponent.set(component, (byAttempt = new Map()));
    const list = byAttempt.get(attempt) ?? [];
    list.push(child);
    byAttempt.set(attempt, list);
  }
  return byComponent;
}

/**
 * Evaluates every component, in spec order. A component whose dependencies have not all landed is
 * `waiting` (or `blocked` when one failed); otherwise its attempts with the current identity decide:
 * none -> `ready` (or `draining` while an outdated build is still live), live -> `building`,
 * succeeded and tagged -> `landed`, failed -> `backoff`/`ready` for a retry, or `failed` when
 * `spec.retry.maxAttempts` are used up.
 */
export function evaluateComponents(input: EvaluationInput): ComponentEvaluation[] {
  const { graph, components, payloadBuild } = input;
  const spec = payloadBuild.spec;
  const byName = new Map(components.map((c) => [c.name, c]));
  const results = new Map<string, ComponentEvaluation>();
  const children = attemptsByComponent(input.children);
  for (const index of topologicalOrder(graph)) {
    const name = graph.names[index] ?? "";
    const component = byName.get(name);
    if (component === undefined) continue;
    const backend = input.backendFor(component);
    const deps = (graph.dependencies[index] ?? []).map((d) => results.get(graph.names[d] ?? ""));
    const attempts = children.get(name) ?? new Map<number, KubeObject[]>();
    const observe = (attempt: number): AttemptState =>
      backend.observeAttempt({
        payloadBuild,
        component,
        attempt,
        objects: attempts.get(attempt) ?? [],
        imageStream: input.imageStream,
      });
    const numbers = [...attempts.keys()].sort((a, b) => a - b);
    const states = new Map(numbers.map((n) => [n, observe(n)] as const));
    const live = [...states.values()].filter(isLive).length;
    const recorded = input.recordedAttempts?.get(name);
    const nextAttempt = Math.max(numbers.at(-1) ?? 0, recorded?.latestAttempt ?? 0) + 1;
    const base = { component, live, nextAttempt, staleLive: [] as KubeObject[], desiredTags: [] };

    const unbuildable = input.unbuildable?.get(name);
    if (unbuildable !== undefined) {
      results.set(name, {
        ...base,
        verdict: "failed",
        dependencyImages: {},
        attempts: 0,
        message: unbuildable,
      });
      continue;
    }
    const failedDep = deps.find((d) => d?.verdict === "failed" || d?.verdict === "blocked");
    if (failedDep !== undefined) {
      const root = failedDep.failedRoot ?? failedDep.component.name;
      results.set(name, {
        ...base,
        verdict: "blocked",
        dependencyImages: {},
        attempts: 0,
        failedRoot: root,
        message: `blocked: dependency ${root} failed`,
      });
      continue;
    }
    const waitingFor = deps.filter((d) => d?.verdict !== "landed").map((d) => d?.component.name ?? "");
    if (waitingFor.length > 0) {
      const shown = waitingFor.slice(0, 3).join(", ") + (waitingFor.length > 3 ? ", ..." : "");
      results.set(name, {
        ...base,
        verdict: "waiting",
        dependencyImages: {},
        attempts: 0,
        message: `waiting for ${shown} to land`,
      });
      continue;
    }
    const dependencyImages: Record<string, string> = {};
    for (const d of deps) {
      if (d?.image !== undefined) dependencyImages[d.component.builds ?? d.component.name] = d.image;
    }
    const inputHash = input.inputHash(component, dependencyImages, backend);
    const withHash = { ...base, dependencyImages, inputHash };

    if (backend.name === "prebuilt") {
      const state = observe(1);
      results.set(name, importedEvaluation(withHash, state, backend, spec.imageStream));
      continue;
    }
    const current = numbers.filter(
      (n) => hashOf(states.get(n) ?? { phase: "Missing" }, attempts.get(n) ?? []) === inputHash,
    );
    const staleLive = numbers
      .filter((n) => !current.includes(n) && isLive(states.get(n) ?? { phase: "Missing" }))
      .flatMap((n) => attempts.get(n) ?? []);
    const latestNumber = current.at(-1);
    const latest = latestNumber === undefined ? undefined : states.get(latestNumber);
    const used = attemptsUsed(recorded, inputHash, current);
    const common = { ...withHash, staleLive, attempts: used };
    if (latestNumber === undefined || latest === undefined || latest.phase === "Missing") {
      if (used >= spec.retry.maxAttempts && staleLive.length === 0) {
        // Every attempt was used and their builds are gone (deleted or pruned): no new try.
        results.set(name, {
          ...common,
          verdict: "failed",
          message: `all ${spec.retry.maxAttempts} attempts were used (${used} recorded in status); their builds are gone, so the last failure cannot be shown`,
        });
        continue;
      }
      results.set(name, {
        ...common,
        verdict: staleLive.length > 0 ? "draining" : "ready",
        ...(staleLive.length > 0
          ? {
              build: staleLive.at(-1)?.metadata.name ?? "",
              message: "waiting for the outdated build to be deleted",
            }
          : {}),
      });
      continue;
    }
    const build = latest.objectName;
    const desiredTags = backend.desiredTags(component, latest);
    const observed = { ...common, build, desiredTags, ...optional("startedAt", latest.startedAt) };
    if (latest.phase === "Pending" || latest.phase === "Running") {
      results.set(name, {
        ...observed,
        verdict: "building",
        message: `attempt ${latestNumber} ${latest.phase.toLowerCase()}`,
      });
      continue;
    }
    if (latest.phase === "Succeeded") {
      if (latest.landed.landed) {
        results.set(name, {
          ...observed,
          verdict: "landed",
          image: latest.landed.pullspec,
          ...optional("completedAt", latest.completedAt),
        });
        continue;
      }
      // A built image whose tag never lands (stream deleted, import lost) counts as a failed
      // attempt once `landTimeoutMs` has passed since the build completed.
      const completedMs = Date.parse(latest.completedAt ?? "");
      const deadline = Number.isNaN(completedMs) ? undefined : completedMs + (input.landTimeoutMs ?? 600_000);
      if (!latest.landed.importFailed && (deadline === undefined || deadline > input.nowMs)) {
        results.set(name, {
          ...observed,
          verdict: "building",
          message: latest.landed.reason,
          ...optional("retryAtMs", deadline),
        });
        continue;
      }
    }
    const failure =
      latest.phase === "Failed"
        ? failureMessage(latest, latestNumber)
        : latest.phase === "Succeeded" && !latest.landed.landed
          ? `attempt ${latestNumber} (${build}) built but its image did not land: ${latest.landed.reason}`
          : `attempt ${latestNumber} (${build}) failed`;
    const completedAt =
      latest.phase === "Failed" || latest.phase === "Succeeded" ? latest.completedAt : undefined;
    const failedAttempt = build;
    if (used >= spec.retry.maxAttempts) {
      results.set(name, {
        ...observed,
        verdict: "failed",
        failedAttempt,
        message: `${failure} (${used} of ${spec.retry.maxAttempts} attempts used)`,
        ...optional("completedAt", completedAt),
      });
      continue;
    }
    const failedAtMs = completedAt === undefined ? Number.NaN : Date.parse(completedAt);
    const retryAtMs = Number.isNaN(failedAtMs) ? input.nowMs : failedAtMs + input.retryDelayMs(used);
    results.set(name, {
      ...observed,
      verdict: retryAtMs > input.nowMs ? "backoff" : "ready",
      failedAttempt,
      retryAtMs,
      message: `retrying (attempt ${used + 1} of ${spec.retry.maxAttempts}) after ${failure}`,
    });
  }
  return components.flatMap((c) => {
    const r = results.get(c.name);
    return r === undefined ? [] : [r];
  });
}

function importedEvaluation(
  base: Omit<ComponentEvaluation, "verdict" | "attempts">,
  state: AttemptState,
  backend: BuildBackend,
  imageStream: string,
): ComponentEvaluation {
  const desiredTags = backend.desiredTags(base.component, state);
  const common = { ...base, attempts: 1, desiredTags };
  if (state.phase === "Succeeded" && state.landed.landed) {
    return {
      ...common,
      verdict: "landed",
      image: state.landed.pullspec,
      ...optional("completedAt", state.completedAt),
    };
  }
  if (state.phase === "Failed") {
    return {
      ...common,
      verdict: "failed",
      failedAttempt: state.objectName,
      message: failureMessage(state, 1),
    };
  }
  if (state.phase === "Succeeded" && !state.landed.landed && state.landed.importFailed) {
    return { ...common, verdict: "failed", failedAttempt: state.objectName, message: state.landed.reason };
  }
  const reason =
    state.phase === "Succeeded" && !state.landed.landed
      ? state.landed.reason
      : state.phase === "Pending" || state.phase === "Running"
        ? state.message
        : undefined;
  return {
    ...common,
    verdict: "building",
    message:
      reason ?? `importing ${base.component.spec.image ?? ""} into ${imageStream}:${base.component.name}`,
  };
}
