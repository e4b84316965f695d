/**
 * `payloadctl plan --explain-rebuilds`: which components a PayloadBuild would build and why,
 * against what the component repository records (`<component>-<key>` tags and their labels),
 * before anything runs. Resolves git refs over smart HTTP and external tags in registries.
 */
import type { PayloadBuild } from "../api/index.js";
import { backendForComponent, createBuildBackends } from "../builds/build-backends.js";
import { GitRefResolver } from "../git/ls-remote.js";
import type { ComponentGraph } from "../payload-build/component-graph.js";
import type { ComponentRebuildDecision } from "../payload-build/rebuild-plan.js";
import {
  decideComponentRebuilds,
  findRecords,
  resolveComponentKeys,
  type ComponentKeyProblem,
} from "../payload-build/resolve-component-keys.js";
import type { ImageStore } from "../registry/image-store.js";

/** What the explanation says. */
export interface RebuildExplanation {
  readonly name: string;
  /** The repository the records were read from. */
  readonly records: string;
  readonly decisions: readonly ComponentRebuildDecision[];
  readonly problems: readonly ComponentKeyProblem[];
  readonly commits: Readonly<Record<string, string>>;
  readonly imageDigests: Readonly<Record<string, string>>;
}

/** Resolves, computes keys, reads the records in `open(records)` and decides (no build is started). */
export async function explainRebuilds(
  payloadBuild: PayloadBuild,
  graph: ComponentGraph,
  records: string,
  open: (reference: string) => ImageStore,
): Promise<RebuildExplanation> {
  const backends = createBuildBackends();
  const spec = payloadBuild.spec;
  const resolved = await resolveComponentKeys(
    spec,
    graph,
    (c) => backendForComponent(backends, spec, c).identity,
    { git: new GitRefResolver(), stores: { open } },
  );
  const found = await findRecords(open(records), resolved.keys);
  return {
    name: payloadBuild.metadata.name ?? "(unnamed)",
    records,
    decisions: decideComponentRebuilds(resolved.keys, found),
    problems: resolved.problems,
    commits: Object.fromEntries(Object.entries(resolved.refs).map(([n, r]) => [n, r.commit])),
    imageDigests: resolved.imageDigests,
  };
}

/** The explanation as a table: one line per component, builds first. */
export function renderRebuildsText(e: RebuildExplanation): string {
  const builds = e.decisions.filter((d) => d.action === "Build");
  const rows = [
    ["COMPONENT", "ACTION", "REASON", "KEY"],
    ...[...builds, ...e.decisions.filter((d) => d.action === "Reuse")].map((d) => [
      d.component,
      d.action === "Build" ? "Build" : "Reused",
      d.action === "Build" ? d.reasons.join(", ") : `from ${d.reused.payloadBuild ?? d.reused.image}`,
      d.key.slice(0, 19),
    ]),
  ];
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  const lines = rows.map((r) =>
    r
      .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd(),
  );
  const head = `${e.name}: ${builds.length} of ${e.decisions.length} components to build, ${e.decisions.length - builds.length} reused (records in ${e.records})`;
  const problems = e.problems.map((p) => `error: ${p.message}`);
  return `${[head, ...lines, ...problems].join("\n")}\n`;
}

/** The explanation as JSON. */
export function renderRebuildsJson(e: RebuildExplanation): string {
  return `${JSON.stringify(e, null, 2)}\n`;
}
