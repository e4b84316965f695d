/**
 * `payloadctl plan --explain-rebuilds`: which components a PayloadBuild would build and why, and
 * which it would reuse from which earlier build, before anything runs. It observes what the
 * operator observes (`observeKeyedInputs`: git refs over smart HTTP, external tags, every key, the
 * `<component>-<key>` records in the component repository) and decides with the operator's own
 * pure decision (`decideKeyedPlan`), so the two cannot disagree on the same cluster and registry.
 * The records are read from the repository the cluster's ImageStream names, or from a registry
 * repository given outright.
 */
import type { PayloadBuild } from "../api/index.js";
import { backendForComponent, createBuildBackends } from "../builds/build-backends.js";
import { GitRefResolver, type GitCredentials } from "../git/ls-remote.js";
import type { ComponentGraph } from "../payload-build/component-graph.js";
import { decideKeyedPlan } from "../payload-build/decide-keyed-plan.js";
import type { GitSecretCredentials } from "../payload-build/git-credentials.js";
import { observeKeyedInputs } from "../payload-build/observe-keyed-inputs.js";
import type { ComponentRebuildDecision } from "../payload-build/rebuild-plan.js";
import type { ComponentKeyProblem } from "../payload-build/resolve-component-keys.js";
import { resolveComponents, type ResolvedComponent } from "../payload-build/resolve-component.js";
import type { ImageStore } from "../registry/image-store.js";
import type { StreamTagRecord } from "./cluster-records.js";

/** Where the explanation reads from. */
export interface RebuildSources {
  /** For people: where the records are (`docker://...`, or the cluster's ImageStream and its repository). */
  readonly recordsFrom: string;
  /** `docker://<component repository>`; undefined: nothing is recorded yet (every build NoPreviousBuild). */
  readonly repository: string | undefined;
  readonly open: (reference: string) => ImageStore;
  /** The `source.git.secret` Secrets read from the cluster (empty without one). */
  readonly secrets: GitSecretCredentials;
  /** The CLI's own credentials for a component its Secret gives none for. */
  readonly fallbackCredentials?: ((component: ResolvedComponent) => GitCredentials | undefined) | undefined;
  /** Hint appended to a "needs credentials" problem (how to give the CLI some). */
  readonly credentialsHint?: string | undefined;
  /** The cluster's ImageStream tags with a key annotation (the image each names now). */
  readonly streamTags?: ReadonlyMap<string, StreamTagRecord> | undefined;
}

/** What the explanation says. */
export interface RebuildExplanation {
  readonly name: string;
  /** Where the records were read from. */
  readonly records: string;
  readonly decisions: readonly ComponentRebuildDecision[];
  readonly problems: readonly ComponentKeyProblem[];
  readonly commits: Readonly<Record<string, string>>;
  readonly imageDigests: Readonly<Record<string, string>>;
  /** The payload key, when every component has a key. */
  readonly payloadKey?: string | undefined;
  /** Cluster only: component tag -> the key (and origin) its ImageStream tag holds now. */
  readonly imageStreamTags?: Readonly<Record<string, StreamTagRecord>>;
}

/** Resolves, computes keys, reads the records and decides as the operator does (no build is started). */
export async function explainRebuilds(
  payloadBuild: PayloadBuild,
  graph: ComponentGraph,
  sources: RebuildSources,
): Promise<RebuildExplanation> {
  const backends = createBuildBackends();
  const spec = payloadBuild.spec;
  const components = resolveComponents(spec);
  const { namespace = "", name = "(unnamed)" } = payloadBuild.metadata;
  const stores = { open: sources.open };
  const inputs = await observeKeyedInputs(spec, graph, components, {
    backendIdentity: (c) => backendForComponent(backends, spec, c).identity,
    git: new GitRefResolver(),
    stores,
    secrets: sources.secrets,
    fallbackCredentials: sources.fallbackCredentials,
    repository: sources.repository,
  });
  const plan = decideKeyedPlan(spec, components, inputs, {
    uid: "",
    generation: 0,
    builtBy: `${namespace}/${name}`,
  });
  const hint = sources.credentialsHint;
  return {
    name,
    records: sources.recordsFrom,
    decisions: [...plan.components.values()].flatMap((c) => c.decision ?? []),
    problems: inputs.problems.map((p) =>
      hint !== undefined && p.message.includes("asks for credentials")
        ? { ...p, message: `${p.message} (${hint})` }
        : p,
    ),
    commits: inputs.commits,
    imageDigests: inputs.imageDigests,
    ...(plan.payloadKey === undefined ? {} : { payloadKey: plan.payloadKey }),
    ...(sources.streamTags === undefined ? {} : { imageStreamTags: Object.fromEntries(sources.streamTags) }),
  };
}

/** The explanation as a table: one line per component, builds first. */
export function renderRebuildsText(e: RebuildExplanation): string {
  const builds = e.decisions.filter((d) => d.action === "Build");
  const tags = e.imageStreamTags;
  const streamColumn = (d: ComponentRebuildDecision): string[] => {
    if (tags === undefined) return [];
    const now = tags[d.component];
    if (now === undefined) return ["-"];
    return [now.key === d.key ? "same key" : now.key.slice(0, 19)];
  };
  const rows = [
    ["COMPONENT", "ACTION", "REASON", "KEY", ...(tags === undefined ? [] : ["IMAGESTREAM TAG NOW"])],
    ...[...builds, ...e.decisions.filter((d) => d.action === "Reuse")].map((d) => [
      d.component,
      d.action === "Build" ? "Build" : "Reused",
      d.action === "Build" ? d.reasons.join(", ") : `from ${d.reused.payloadBuild ?? d.reused.image}`,
      d.key.slice(0, 19),
      ...streamColumn(d),
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
