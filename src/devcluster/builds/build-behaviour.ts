/**
 * Run-time knobs of the simulated builds (for tests and the demo): per-component durations and
 * injected failures, over the profile's values. Failure decisions are remembered per build, so a
 * reconcile that runs again for the same build gets the same answer and counts once.
 */
import type { ResolvedComponentProfile } from "./simulation-profile.js";

/** How one component's builds behave from now on. */
export interface BuildBehaviour {
  /** Build duration before the speed factor. */
  readonly durationMs?: number;
  /** The next N builds of the component fail. */
  readonly failTimes?: number;
  /** Every build of the component fails. */
  readonly failAlways?: boolean;
  /** Failure reason (default `DockerBuildFailed`). */
  readonly failReason?: string;
  /** Failure log snippet (default a `RUN` step exiting 1). */
  readonly logSnippet?: string;
}

/** An injected failure. */
export interface InjectedFailure {
  readonly reason: string;
  readonly message: string;
  readonly logSnippet: string;
}

/** Holds the overrides and the per-component failure counts. */
export class BehaviourControl {
  readonly #overrides = new Map<string, BuildBehaviour>();
  readonly #failedBuilds = new Map<string, Set<string>>();
  readonly #decisions = new Map<string, InjectedFailure | undefined>();
  readonly #speed: number;

  /** `speed` divides every duration (2 = twice as fast). */
  constructor(speed = 1) {
    if (!(speed > 0)) throw new Error(`build system speed factor must be > 0, got ${speed}`);
    this.#speed = speed;
  }

  /** Replaces the behaviour of `component`; its failure count starts again from zero. */
  set(component: string, behaviour: BuildBehaviour): void {
    this.#overrides.set(component, { ...behaviour });
    this.#failedBuilds.delete(component);
  }

  /** Simulated run time of a build of `component`, speed factor applied. */
  durationMs(component: string, profile: ResolvedComponentProfile): number {
    const base = this.#overrides.get(component)?.durationMs ?? profile.durationMs;
    return Math.round(base / this.#speed);
  }

  /** Whether build `buildId` of `component` fails, decided once per build. */
  decideFailure(
    component: string,
    buildId: string,
    profile: ResolvedComponentProfile,
  ): InjectedFailure | undefined {
    if (this.#decisions.has(buildId)) return this.#decisions.get(buildId);
    const override = this.#overrides.get(component);
    const failTimes = override?.failTimes ?? (override === undefined ? profile.failTimes : undefined) ?? 0;
    const failed = this.#failedBuilds.get(component) ?? new Set<string>();
    const fails = override?.failAlways === true || failed.size < failTimes;
    let decision: InjectedFailure | undefined;
    if (fails) {
      failed.add(buildId);
      this.#failedBuilds.set(component, failed);
      const reason = override?.failReason ?? "DockerBuildFailed";
      decision = {
        reason,
        message: `Docker build strategy has failed: the build of ${component} exited with status 1 (injected failure ${failed.size}${override?.failAlways === true ? ", failing always" : ` of ${failTimes}`})`,
        logSnippet:
          override?.logSnippet ??
          `STEP 4/9: RUN make build\nerror: build error: building ${component}: exit status 1`,
      };
    }
    this.#decisions.set(buildId, decision);
    return decision;
  }
}
