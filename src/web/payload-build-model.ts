/**
 * The live build view's model of one PayloadBuild: progress, the dependency graph laid out in
 * levels with the critical path marked, a timeline (waiting and running span of each component) and
 * the failures with their reasons and log snippets. Pure: built from the object and a clock reading.
 */
import {
  PayloadBuildSpecSchema,
  PayloadBuildStatusSchema,
  type ComponentState,
  type PayloadBuildStatus,
} from "../api/index.js";
import type { KubeObject } from "../kube/kube-object.js";
import { computeLevels } from "../payload-build/levels.js";
import { validatePayloadSpec } from "../payload-build/validate-payload.js";

/** A node of the drawn graph. */
export interface GraphNode {
  readonly name: string;
  readonly state: ComponentState;
  readonly level: number;
  /** Position within its level (0 = top). */
  readonly row: number;
  readonly critical: boolean;
}

/** An edge of the drawn graph: `from` must land before `to` builds. */
export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  /** Both ends on the critical path, consecutively. */
  readonly critical: boolean;
}

/** One component's bar on the timeline, in seconds since the build started. */
export interface TimelineEntry {
  readonly name: string;
  readonly state: ComponentState;
  /** When its last dependency landed (it could start), if known. */
  readonly readyAt: number | undefined;
  /** When its build started. */
  readonly startedAt: number | undefined;
  /** When it landed or failed; the current time for a build still running. */
  readonly endedAt: number | undefined;
  readonly attempts: number;
}

/** A failed or blocked component, with the reason and the log snippet split out of its message. */
export interface FailureEntry {
  readonly name: string;
  readonly state: ComponentState;
  readonly reason: string;
  readonly log: string | undefined;
  readonly build: string | undefined;
}

/** Everything the build page shows. */
export interface PayloadBuildModel {
  readonly namespace: string;
  readonly name: string;
  readonly phase: string;
  readonly counts: NonNullable<PayloadBuildStatus["counts"]>;
  /** Landed / total, 0..100. */
  readonly percent: number;
  readonly release: PayloadBuildStatus["release"];
  readonly criticalPath: readonly string[];
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
  readonly levels: number;
  /** Length of the timeline axis, seconds. */
  readonly spanSeconds: number;
  readonly timeline: readonly TimelineEntry[];
  readonly failures: readonly FailureEntry[];
  /** Why the spec could not be drawn (invalid spec), if so. */
  readonly problem: string | undefined;
  readonly startedAt: string | undefined;
  readonly completedAt: string | undefined;
}

const LOG_MARK = "; log: ";

/** Splits a component's failure message into the reason and the log snippet the operator appended. */
export function splitFailureMessage(message: string | undefined): {
  reason: string;
  log: string | undefined;
} {
  const text = message ?? "";
  const at = text.indexOf(LOG_MARK);
  if (at < 0) return { reason: text, log: undefined };
  return { reason: text.slice(0, at), log: text.slice(at + LOG_MARK.length) };
}

function seconds(iso: string | undefined, origin: number): number | undefined {
  const at = Date.parse(iso ?? "");
  return Number.isNaN(at) ? undefined : Math.max(0, (at - origin) / 1000);
}

/** Builds the model (see the module documentation). `nowMs` ends the bars of running builds. */
export function payloadBuildModel(object: KubeObject, nowMs: number): PayloadBuildModel {
  const parsedStatus = PayloadBuildStatusSchema.safeParse(object["status"] ?? {});
  const status: PayloadBuildStatus = parsedStatus.success ? parsedStatus.data : {};
  const byName = new Map((status.components ?? []).map((c) => [c.name, c]));
  const spec = PayloadBuildSpecSchema.safeParse(object["spec"]);
  const critical = status.plan?.criticalPath ?? [];
  const criticalSet = new Set(critical);
  const criticalEdges = new Set(critical.slice(1).map((name, i) => `${critical[i] ?? ""}>${name}`));
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  let levelCount = 0;
  let problem: string | undefined;
  const dependencies = new Map<string, readonly string[]>();
  if (!spec.success) problem = "the spec does not parse; see kubectl describe";
  else {
    const validation = validatePayloadSpec(spec.data);
    if (!validation.acyclic) problem = "the components form a cycle; see kubectl describe";
    else {
      const { graph } = validation;
      const { levels } = computeLevels(graph);
      levelCount = levels.length;
      levels.forEach((names, level) =>
        names.forEach((name, row) =>
          nodes.push({
            name,
            state: byName.get(name)?.state ?? "Waiting",
            level,
            row,
            critical: criticalSet.has(name),
          }),
        ),
      );
      graph.names.forEach((name, i) => {
        const deps = (graph.dependencies[i] ?? []).map((d) => graph.names[d] ?? "");
        dependencies.set(name, deps);
        for (const dep of deps)
          edges.push({ from: dep, to: name, critical: criticalEdges.has(`${dep}>${name}`) });
      });
    }
  }
  const created = Date.parse(object.metadata.creationTimestamp ?? "");
  const origin = Date.parse(status.startedAt ?? "") || (Number.isNaN(created) ? nowMs : created);
  const components = status.components ?? [];
  const endOf = (c: (typeof components)[number]): number | undefined =>
    c.completedAt !== undefined
      ? seconds(c.completedAt, origin)
      : c.state === "Building" && c.startedAt !== undefined
        ? Math.max(0, (nowMs - origin) / 1000)
        : undefined;
  const timeline: TimelineEntry[] = components.map((c) => {
    const deps = dependencies.get(c.name) ?? [];
    const depEnds = deps.map((d) => seconds(byName.get(d)?.completedAt, origin));
    const readyAt = depEnds.every((e) => e !== undefined) ? Math.max(0, ...depEnds) : undefined;
    return {
      name: c.name,
      state: c.state,
      readyAt,
      startedAt: seconds(c.startedAt, origin),
      endedAt: endOf(c),
      attempts: c.attempts ?? 0,
    };
  });
  timeline.sort(
    (a, b) =>
      (a.startedAt ?? Number.POSITIVE_INFINITY) - (b.startedAt ?? Number.POSITIVE_INFINITY) ||
      (a.name < b.name ? -1 : 1),
  );
  const completed = seconds(status.completedAt, origin);
  const spanSeconds = Math.max(
    1,
    completed ?? 0,
    ...timeline.map((t) => t.endedAt ?? t.startedAt ?? 0),
    status.completedAt === undefined && status.startedAt !== undefined ? (nowMs - origin) / 1000 : 0,
  );
  const failures: FailureEntry[] = components
    .filter((c) => c.state === "Failed" || c.state === "Blocked")
    .map((c) => ({ name: c.name, state: c.state, ...splitFailureMessage(c.message), build: c.build }));
  const counts = status.counts ?? {
    total: nodes.length,
    waiting: nodes.length,
    building: 0,
    landed: 0,
    failed: 0,
    blocked: 0,
  };
  return {
    namespace: object.metadata.namespace ?? "",
    name: object.metadata.name,
    phase: status.phase ?? "Pending",
    counts,
    percent: counts.total === 0 ? 0 : Math.round((100 * counts.landed) / counts.total),
    release: status.release,
    criticalPath: critical,
    nodes,
    edges,
    levels: levelCount,
    spanSeconds,
    timeline,
    failures,
    problem,
    startedAt: status.startedAt,
    completedAt: status.completedAt,
  };
}
