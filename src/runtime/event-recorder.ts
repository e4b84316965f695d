/**
 * Records `events.k8s.io/v1` Events: what happened to an object and why, for `kubectl describe`
 * and `kubectl get events`.
 *
 * - De-duplicated: a repeat of the same (regarding object, type, reason, action, note) does not
 *   create a new Event; it bumps `series.count` and `series.lastObservedTime` of the first one
 *   (merge patch). If that Event has expired (404), a new one is created.
 * - Rate-limited by a token bucket; a write that is refused is not lost for a series, whose
 *   count is carried by the next write. New events over the limit are dropped (logged at debug).
 * - Never throws: recording is best effort; failures are logged.
 */
import { randomBytes } from "node:crypto";
import type { Logger } from "pino";
import { isNotFound } from "../kube/kube-errors.js";
import type { KubeClient } from "../kube/kube-client.js";
import type { KubeObject } from "../kube/kube-object.js";
import { EVENTS } from "../kube/resource.js";
import type { Clock } from "./clock.js";
import { truncateEventNote } from "./event-note.js";
import { microTime } from "./leader-elector.js";
import { TokenBucket } from "./rate-limiter.js";

/** The object an Event is about (`regarding`). */
export interface EventRegarding {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string | undefined;
  readonly uid?: string | undefined;
  readonly resourceVersion?: string | undefined;
}

/** One occurrence to record. `reason` and `action` are CamelCase machine words; `note` is for humans (cut to 1,024 UTF-8 bytes). */
export interface EventInput {
  readonly type: "Normal" | "Warning";
  readonly reason: string;
  readonly action: string;
  readonly note: string;
}

/** Options of {@link EventRecorder}. */
export interface EventRecorderOptions {
  readonly client: KubeClient;
  readonly clock: Clock;
  readonly logger: Logger;
  /** e.g. `payload.okd.io/operator`. */
  readonly reportingController: string;
  /** e.g. the pod name. */
  readonly reportingInstance: string;
  /** Event writes per second and burst. Defaults 1 and 25. */
  readonly qps?: number;
  readonly burst?: number;
  /** Series remembered (oldest forgotten first). Default 4096. */
  readonly cacheSize?: number;
}

interface Series {
  name: string;
  namespace: string;
  count: number;
  written: number;
  created: boolean;
  chain: Promise<void>;
}

/** The `regarding` reference of an object read from the API. */
export function regardingOf(obj: KubeObject): EventRegarding {
  return {
    apiVersion: obj.apiVersion ?? "",
    kind: obj.kind ?? "",
    name: obj.metadata.name,
    namespace: obj.metadata.namespace,
    uid: obj.metadata.uid,
    resourceVersion: obj.metadata.resourceVersion,
  };
}

/** See the module documentation. */
export class EventRecorder {
  readonly #o: EventRecorderOptions;
  readonly #bucket: TokenBucket;
  readonly #series = new Map<string, Series>();

  constructor(options: EventRecorderOptions) {
    this.#o = options;
    this.#bucket = new TokenBucket(options.clock, options.qps ?? 1, options.burst ?? 25);
  }

  /** Records one occurrence; resolves when written (or dropped). Never rejects. */
  record(regarding: KubeObject | EventRegarding, event: EventInput): Promise<void> {
    const ref = "metadata" in regarding ? regardingOf(regarding) : regarding;
    const id = JSON.stringify([
      ref.apiVersion,
      ref.kind,
      ref.namespace ?? "",
      ref.name,
      ref.uid ?? "",
      event.type,
      event.reason,
      event.action,
      event.note,
    ]);
    let series = this.#series.get(id);
    if (series === undefined) {
      const name = `${ref.name}.${this.#o.clock.now().toString(16)}${randomBytes(3).toString("hex")}`;
      series = {
        name,
        namespace: ref.namespace ?? "default",
        count: 0,
        written: 0,
        created: false,
        chain: Promise.resolve(),
      };
      this.#series.set(id, series);
      this.#evict();
    } else {
      this.#series.delete(id);
      this.#series.set(id, series); // most recently used last
    }
    series.count++;
    const s = series;
    s.chain = s.chain
      .then(() => this.#write(s, ref, event))
      .catch((err: unknown) => {
        this.#o.logger.warn(
          { event: s.name, reason: event.reason, err: err instanceof Error ? err.message : String(err) },
          "could not record event",
        );
      });
    return s.chain;
  }

  async #write(s: Series, ref: EventRegarding, event: EventInput): Promise<void> {
    if (s.written === s.count) return; // an earlier write already carried this occurrence
    if (!this.#bucket.tryTake()) {
      this.#o.logger.debug({ event: s.name, reason: event.reason }, "event rate-limited");
      return;
    }
    const now = microTime(this.#o.clock.now());
    if (s.created) {
      try {
        await this.#o.client.patch(
          EVENTS,
          { namespace: s.namespace, name: s.name },
          { type: "merge", body: { series: { count: s.count, lastObservedTime: now } } },
        );
        s.written = s.count;
        return;
      } catch (err: unknown) {
        if (!isNotFound(err)) throw err;
        s.name = `${ref.name}.${this.#o.clock.now().toString(16)}${randomBytes(3).toString("hex")}`;
        s.count = 1;
      }
    }
    const count = s.count;
    await this.#o.client.create(EVENTS, {
      metadata: { name: s.name, namespace: s.namespace },
      eventTime: now,
      ...(count > 1 ? { series: { count, lastObservedTime: now } } : {}),
      reportingController: this.#o.reportingController,
      reportingInstance: this.#o.reportingInstance,
      action: event.action,
      reason: event.reason,
      type: event.type,
      note: truncateEventNote(event.note),
      regarding: {
        apiVersion: ref.apiVersion,
        kind: ref.kind,
        name: ref.name,
        ...(ref.namespace === undefined ? {} : { namespace: ref.namespace }),
        ...(ref.uid === undefined ? {} : { uid: ref.uid }),
        ...(ref.resourceVersion === undefined ? {} : { resourceVersion: ref.resourceVersion }),
      },
    });
    s.created = true;
    s.written = count;
  }

  #evict(): void {
    const max = this.#o.cacheSize ?? 4096;
    while (this.#series.size > max) {
      const oldest = this.#series.keys().next();
      if (oldest.done === true) return;
      this.#series.delete(oldest.value);
    }
  }
}
