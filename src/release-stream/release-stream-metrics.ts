/**
 * The ReleaseStream controller's Prometheus metrics: releases by phase (over all streams) and the
 * time from a release's cut to its acceptance. Labels are bounded (phase only).
 */
import { Gauge, Histogram, type Registry } from "prom-client";
import { RELEASE_PHASES, type StreamRelease } from "../api/index.js";

const TIME_TO_ACCEPTED_BUCKETS = [5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 14400, 43200, 86400];

/** Create one per registry. */
export class ReleaseStreamMetrics {
  readonly #releases: Gauge<"phase">;
  readonly #timeToAccepted: Histogram;
  readonly #byStream = new Map<string, Record<string, number>>();

  constructor(registry: Registry) {
    this.#releases = new Gauge({
      name: "payload_operator_stream_releases",
      help: "Releases of all ReleaseStreams by phase",
      labelNames: ["phase"],
      registers: [registry],
    });
    this.#timeToAccepted = new Histogram({
      name: "payload_operator_release_time_to_accepted_seconds",
      help: "Time from a release being cut to its acceptance",
      buckets: TIME_TO_ACCEPTED_BUCKETS,
      registers: [registry],
    });
  }

  /** Records the releases of stream `key` (an empty list when the stream is gone). */
  streamReleases(key: string, releases: readonly StreamRelease[]): void {
    const counts: Record<string, number> = {};
    for (const r of releases) counts[r.phase] = (counts[r.phase] ?? 0) + 1;
    if (releases.length === 0) this.#byStream.delete(key);
    else this.#byStream.set(key, counts);
    for (const phase of RELEASE_PHASES) {
      let total = 0;
      for (const c of this.#byStream.values()) total += c[phase] ?? 0;
      this.#releases.set({ phase }, total);
    }
  }

  /** A release was accepted `seconds` after it was cut. */
  accepted(seconds: number): void {
    if (Number.isFinite(seconds) && seconds >= 0) this.#timeToAccepted.observe(seconds);
  }
}
