/**
 * Per-object metrics read from the statuses the operator wrote (its informers' stores), at scrape
 * time: the conditions of every PayloadBuild and ReleaseStream, and when each stream last accepted a
 * release. They back the alerts of `config/prometheus/` (a PayloadBuild Degraded for minutes, a
 * stream without an accepted release for a day). Labels are bounded by the number of objects.
 * {@link statusSamples} decides the samples (pure); {@link registerStatusMetrics} exposes them.
 */
import { Gauge, type Registry } from "prom-client";

/** The parts of a PayloadBuild or ReleaseStream the samples are computed from (read leniently). */
export interface StatusObject {
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string | undefined;
    readonly creationTimestamp?: string | undefined;
  };
  readonly status?: unknown;
}

/** One sample of `payload_operator_condition`. */
export interface ConditionSample {
  readonly labels: { kind: string; namespace: string; name: string; type: string };
  /** 1 while the condition is True, else 0. */
  readonly value: number;
}

/** One sample of `payload_operator_stream_last_accepted_timestamp_seconds`. */
export interface AcceptedSample {
  readonly labels: { namespace: string; name: string };
  /** Unix seconds. */
  readonly value: number;
}

/** The condition types exported. */
export const EXPORTED_CONDITIONS = ["Ready", "Progressing", "Degraded"] as const;

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function seconds(timestamp: unknown): number | undefined {
  if (typeof timestamp !== "string") return undefined;
  const ms = Date.parse(timestamp);
  return Number.isFinite(ms) ? ms / 1000 : undefined;
}

/** `payload_operator_condition` samples of the objects of `kind`: one per exported condition present. */
export function conditionSamples(kind: string, objects: readonly StatusObject[]): ConditionSample[] {
  const samples: ConditionSample[] = [];
  for (const object of objects) {
    const conditions = record(object.status)["conditions"];
    if (!Array.isArray(conditions)) continue;
    for (const type of EXPORTED_CONDITIONS) {
      const condition = conditions.map(record).find((c) => c["type"] === type);
      if (condition === undefined) continue;
      samples.push({
        labels: { kind, namespace: object.metadata.namespace ?? "", name: object.metadata.name, type },
        value: condition["status"] === "True" ? 1 : 0,
      });
    }
  }
  return samples;
}

/**
 * `payload_operator_stream_last_accepted_timestamp_seconds` of each stream: when its newest Accepted
 * release was accepted (`phaseChangedAt`, else `createdAt`), or, while it has none, when the stream
 * was created, so "no accepted release for a day" also holds for a day-old stream that never had one.
 */
export function acceptedSamples(streams: readonly StatusObject[]): AcceptedSample[] {
  const samples: AcceptedSample[] = [];
  for (const stream of streams) {
    const releases = record(stream.status)["releases"];
    let newest: number | undefined;
    for (const release of Array.isArray(releases) ? releases.map(record) : []) {
      if (release["phase"] !== "Accepted") continue;
      const at = seconds(release["phaseChangedAt"]) ?? seconds(release["createdAt"]);
      if (at !== undefined && (newest === undefined || at > newest)) newest = at;
    }
    const value = newest ?? seconds(stream.metadata.creationTimestamp);
    if (value === undefined) continue;
    samples.push({
      labels: { namespace: stream.metadata.namespace ?? "", name: stream.metadata.name },
      value,
    });
  }
  return samples;
}

/** Where the objects are read from at scrape time (the informers' stores). */
export interface StatusSources {
  payloadBuilds(): readonly StatusObject[];
  releaseStreams(): readonly StatusObject[];
}

/** Registers the per-object gauges on `registry`; their values are computed at each scrape. */
export function registerStatusMetrics(registry: Registry, sources: StatusSources): void {
  new Gauge({
    name: "payload_operator_condition",
    help: "Conditions of each PayloadBuild and ReleaseStream: 1 while the condition is True, 0 otherwise",
    labelNames: ["kind", "namespace", "name", "type"],
    registers: [registry],
    collect() {
      this.reset();
      for (const s of conditionSamples("PayloadBuild", sources.payloadBuilds())) this.set(s.labels, s.value);
      for (const s of conditionSamples("ReleaseStream", sources.releaseStreams()))
        this.set(s.labels, s.value);
    },
  });
  new Gauge({
    name: "payload_operator_stream_last_accepted_timestamp_seconds",
    help: "Unix time a ReleaseStream's newest release was accepted (its creation while it has none)",
    labelNames: ["namespace", "name"],
    registers: [registry],
    collect() {
      this.reset();
      for (const s of acceptedSamples(sources.releaseStreams())) this.set(s.labels, s.value);
    },
  });
}
