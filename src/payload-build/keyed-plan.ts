/**
 * A PayloadBuild's keyed plan (`spec.rebuild` set): every component's key, the commit it is built
 * from and whether it is reused or built (and why), decided once per generation before any build.
 * Pure helpers that apply it to decide's inputs and outputs: a reused component is taken as a
 * prebuilt image (its recorded digest, imported into its tag), a built one is pinned to its commit
 * and labelled with its key, and the status entries carry key, commit, reason or origin.
 */
import type { ComponentStatus, PayloadBuildStatus } from "../api/index.js";
import { COMPONENT_KEY_ANNOTATION } from "./build-records.js";
import type { ComponentRebuildDecision } from "./rebuild-plan.js";

/** ImageStream spec tag annotation of a reused component: the PayloadBuild that built its image. */
export const REUSED_FROM_ANNOTATION = "payload.okd.io/reused-from";
import type { ResolvedComponent } from "./resolve-component.js";

/** One component of a keyed plan. */
export interface KeyedComponentPlan {
  readonly key: string;
  readonly commit?: string | undefined;
  /** Reuse or build, and why; undefined for a prebuilt component (imported, never built). */
  readonly decision?: ComponentRebuildDecision | undefined;
  /** The labels a build of it puts on its image (key, key document, built-by). */
  readonly imageLabels: Readonly<Record<string, string>>;
}

/** The keyed plan of one generation of one PayloadBuild. */
export interface KeyedPlan {
  readonly uid: string;
  readonly generation: number;
  readonly components: ReadonlyMap<string, KeyedComponentPlan>;
  /** Components that cannot be built (ref or image not resolvable), with the message. */
  readonly problems: ReadonlyMap<string, string>;
  readonly resolvedImages: NonNullable<PayloadBuildStatus["resolvedImages"]>;
  readonly payloadKey?: string | undefined;
}

/** The components decide works with under `plan`: reused ones become prebuilt, built ones pinned. */
export function applyKeyedPlan(
  components: readonly ResolvedComponent[],
  plan: KeyedPlan,
): ResolvedComponent[] {
  const digests = new Map(plan.resolvedImages.map((i) => [i.image, i.digest]));
  return components.map((c) => {
    const entry = plan.components.get(c.name);
    const decision = entry?.decision;
    if (entry === undefined || decision === undefined) return c;
    if (decision.action === "Reuse") {
      const from = decision.reused.payloadBuild ?? decision.reused.image;
      const { architecture: _architecture, pinned: _pinned, ...rest } = c;
      return {
        ...rest,
        prebuilt: true,
        spec: { name: c.spec.name, skipDefaults: true, image: decision.reused.image },
        inputs: [],
        buildArgs: {},
        env: {},
        resources: undefined,
        tagAnnotations: { [COMPONENT_KEY_ANNOTATION]: entry.key, [REUSED_FROM_ANNOTATION]: from },
      };
    }
    // The build uses the external images by the digests its key was computed from.
    const pin = (ref: string): string => pinnedPullspec(ref, digests.get(ref));
    return {
      ...c,
      spec: c.spec.from === undefined ? c.spec : { ...c.spec, from: pin(c.spec.from) },
      inputs: c.inputs.map((i) => ({ ...i, from: pin(i.from) })),
      tagAnnotations: { [COMPONENT_KEY_ANNOTATION]: entry.key },
      // A build replaces the image an earlier PayloadBuild's reuse put on the tag: its reused-from goes.
      tagAnnotationsRemoved: [REUSED_FROM_ANNOTATION],
      pinned: {
        ...(entry.commit === undefined ? {} : { commit: entry.commit }),
        imageLabels: entry.imageLabels,
      },
    };
  });
}

/** Status entries with the plan's key, commit, rebuild reason, or `Reused` and where from. */
export function keyedStatusEntries(entries: readonly ComponentStatus[], plan: KeyedPlan): ComponentStatus[] {
  return entries.map((entry) => {
    const c = plan.components.get(entry.name);
    if (c === undefined) return entry;
    const keyed: ComponentStatus = {
      ...entry,
      key: c.key,
      ...(c.commit === undefined ? {} : { commit: c.commit }),
    };
    const decision = c.decision;
    if (decision?.action === "Build") return { ...keyed, rebuildReason: decision.reason };
    if (decision?.action === "Reuse") {
      const from = decision.reused.payloadBuild ?? decision.reused.image;
      return {
        ...keyed,
        reusedFrom: from,
        ...(entry.state === "Landed" ? { state: "Reused" as const } : {}),
      };
    }
    return keyed;
  });
}

/** The one Event that says what the plan builds and why, and what it reuses. */
export function rebuildsPlannedNote(plan: KeyedPlan): string {
  const decisions = [...plan.components.values()].flatMap((c) =>
    c.decision === undefined ? [] : [c.decision],
  );
  const builds = decisions.filter((d) => d.action === "Build");
  const shown = builds
    .slice(0, 20)
    .map((d) => `${d.component} (${d.action === "Build" ? d.reasons.join(", ") : ""})`)
    .join(", ");
  const more = builds.length > 20 ? `, and ${builds.length - 20} more` : "";
  const head = `${builds.length} of ${decisions.length} components to build${builds.length > 0 ? `: ${shown}${more}` : ""}`;
  return `${head}; ${decisions.length - builds.length} reused by component key`;
}

/** `repository@digest` for a floating pullspec with a resolved digest; anything else as it is. */
export function pinnedPullspec(pullspec: string, digest: string | undefined): string {
  if (digest === undefined || pullspec.includes("@")) return pullspec;
  const slash = pullspec.lastIndexOf("/");
  const colon = pullspec.lastIndexOf(":");
  return `${colon > slash ? pullspec.slice(0, colon) : pullspec}@${digest}`;
}
