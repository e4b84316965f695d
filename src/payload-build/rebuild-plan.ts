/**
 * Which components of a payload must be built and why, from their keys and what earlier runs
 * recorded. Pure: the records are looked up before (registry tags and labels, ImageStream
 * annotations). A component whose key matches a recorded successful build is reused by digest;
 * every other one is built, with the first of its reasons in this order: `Forced`,
 * `NoPreviousBuild`, `NewCommit`, `InputChanged: <component or image>`, `SpecChanged`.
 */
import type { ComponentKey, ComponentKeyDocument, ReferenceKey } from "./component-key.js";
import { canonicalJson } from "./input-identity.js";

/** A successful build recorded by an earlier run. */
export interface RecordedBuild {
  /** Its component key (`sha256:<hex>`), read from the image's label. */
  readonly key: string;
  /** The image, `repository@sha256:...`. */
  readonly image: string;
  /** The PayloadBuild that built it, when recorded. */
  readonly payloadBuild?: string | undefined;
  /** The key document it was built from, when recorded (to explain a rebuild). */
  readonly document?: ComponentKeyDocument | undefined;
}

/** What is recorded of one component. */
export interface ComponentRecords {
  /** A build recorded under the component's current key, its label checked. */
  readonly exact?: RecordedBuild | undefined;
  /** The component's latest recorded build, whatever its key. */
  readonly latest?: RecordedBuild | undefined;
}

/** Why a component is rebuilt. */
export type RebuildReason =
  "Forced" | "NoPreviousBuild" | "NewCommit" | `InputChanged: ${string}` | "SpecChanged";

/** The decision on one component. */
export type ComponentRebuildDecision =
  | {
      readonly component: string;
      readonly key: string;
      readonly action: "Reuse";
      readonly reused: RecordedBuild;
    }
  | {
      readonly component: string;
      readonly key: string;
      readonly action: "Build";
      /** The first reason; `reasons` has all of them. */
      readonly reason: RebuildReason;
      readonly reasons: readonly RebuildReason[];
    };

/** What {@link planRebuilds} reads. */
export interface RebuildPlanInput {
  /** Every component's key (`computeComponentKeys`), prebuilt ones left out. */
  readonly keys: ReadonlyMap<string, ComponentKey>;
  /** What is recorded of each component (absent: nothing). */
  readonly records: ReadonlyMap<string, ComponentRecords>;
  /** `spec.rebuild: Always`: build every component. */
  readonly forceAll?: boolean;
  /** Components whose build is forced (per-component force). */
  readonly forced?: ReadonlySet<string>;
}

/** The decision on every component of `input.keys`, in its order. */
export function planRebuilds(input: RebuildPlanInput): ComponentRebuildDecision[] {
  return [...input.keys].map(([component, { key, document }]) => {
    const records = input.records.get(component);
    const forced = input.forceAll === true || input.forced?.has(component) === true;
    const exact = [records?.exact, records?.latest].find((r) => r?.key === key);
    if (!forced && exact !== undefined) return { component, key, action: "Reuse", reused: exact };
    const reasons: RebuildReason[] = forced ? ["Forced"] : [];
    const latest = records?.latest;
    if (latest === undefined) reasons.push("NoPreviousBuild");
    else reasons.push(...reasonsBetween(latest.document, document));
    if (reasons.length === 0) reasons.push("SpecChanged");
    return { component, key, action: "Build", reason: reasons[0] ?? "SpecChanged", reasons };
  });
}

/** Why `now` differs from `before` (empty when it cannot tell or they are the same). */
export function reasonsBetween(
  before: ComponentKeyDocument | undefined,
  now: ComponentKeyDocument,
): RebuildReason[] {
  if (before === undefined) return ["SpecChanged"];
  const reasons: RebuildReason[] = [];
  if (before.git?.commit !== now.git?.commit && before.git?.uri === now.git?.uri) reasons.push("NewCommit");
  const previous = new Map(referencesOf(before).map((r) => [referenceName(r), referenceValue(r)]));
  const changed = new Set<string>();
  for (const r of referencesOf(now)) {
    const name = referenceName(r);
    const old = previous.get(name);
    if (old !== undefined && old !== referenceValue(r)) changed.add(name);
  }
  for (const name of [...changed].sort()) reasons.push(`InputChanged: ${name}`);
  // Everything else: the document with references by name only and the commit left out.
  const rest = (d: ComponentKeyDocument): string =>
    canonicalJson({
      ...d,
      git: d.git?.uri ?? null,
      from: d.from === undefined || d.from === null ? null : referenceName(d.from),
      inputs: (d.inputs ?? []).map((i) => ({ ...i, from: referenceName(i.from) })),
    });
  if (rest(before) !== rest(now)) reasons.push("SpecChanged");
  return reasons;
}

function referencesOf(d: ComponentKeyDocument): ReferenceKey[] {
  return [
    ...(d.from === undefined || d.from === null ? [] : [d.from]),
    ...(d.inputs ?? []).map((i) => i.from),
  ];
}

function referenceName(r: ReferenceKey): string {
  return "component" in r ? r.component : r.image;
}

function referenceValue(r: ReferenceKey): string {
  return "component" in r ? r.key : r.digest;
}

/** Components that would be built, for counting. */
export function componentsToBuild(decisions: readonly ComponentRebuildDecision[]): string[] {
  return decisions.flatMap((d) => (d.action === "Build" ? [d.component] : []));
}
