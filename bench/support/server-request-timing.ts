/**
 * Per-server request timing for HTTP servers in this process, from Node's `http.server.*`
 * diagnostics channels: for each listening port, the number of requests and the sum of their
 * latencies (request headers parsed -> last byte of the response handed to the OS). Watches (any
 * `watch=true` query or `/watch/` path) are long-lived streams and are counted apart, not timed.
 * The sum overlaps for concurrent requests and includes waiting for this process's event loop, so
 * it is an upper bound of the time the server spent serving.
 */
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import type { IncomingMessage, Server, ServerResponse } from "node:http";

/** Totals of one server. */
export interface ServerTiming {
  requests: number;
  watches: number;
  latencyMs: number;
  maxLatencyMs: number;
}

/** A running recorder. */
export interface RequestTimingRecorder {
  /** Totals of the server listening on `port` (zeros when it served nothing). */
  timingOf(port: number): ServerTiming;
  /** Stops recording. */
  stop(): void;
}

interface ServerMessage {
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  readonly server: Server;
}

function isServerMessage(message: unknown): message is ServerMessage {
  return typeof message === "object" && message !== null && "request" in message && "server" in message;
}

function portOf(server: Server): number {
  const address = server.address();
  return typeof address === "object" && address !== null ? address.port : 0;
}

function isWatch(url: string): boolean {
  return /[?&]watch=(true|1)/.test(url) || url.includes("/watch/");
}

/** Starts recording every HTTP server of this process. */
export function recordRequestTiming(): RequestTimingRecorder {
  const started = new WeakMap<ServerResponse, bigint>();
  const totals = new Map<number, ServerTiming>();
  const totalOf = (port: number): ServerTiming => {
    let total = totals.get(port);
    if (total === undefined) {
      total = { requests: 0, watches: 0, latencyMs: 0, maxLatencyMs: 0 };
      totals.set(port, total);
    }
    return total;
  };
  const onStart = (message: unknown): void => {
    if (!isServerMessage(message)) return;
    if (isWatch(message.request.url ?? "")) totalOf(portOf(message.server)).watches += 1;
    else started.set(message.response, process.hrtime.bigint());
  };
  const onFinish = (message: unknown): void => {
    if (!isServerMessage(message)) return;
    const start = started.get(message.response);
    if (start === undefined) return;
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    const total = totalOf(portOf(message.server));
    total.requests += 1;
    total.latencyMs += ms;
    total.maxLatencyMs = Math.max(total.maxLatencyMs, ms);
  };
  subscribe("http.server.request.start", onStart);
  subscribe("http.server.response.finish", onFinish);
  return {
    timingOf: (port) => ({ ...totalOf(port) }),
    stop: () => {
      unsubscribe("http.server.request.start", onStart);
      unsubscribe("http.server.response.finish", onFinish);
    },
  };
}
