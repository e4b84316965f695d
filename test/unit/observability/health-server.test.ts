import { Counter, Registry } from "prom-client";
import { afterEach, describe, expect, it } from "vitest";
import { startHealthServer, type HealthServer } from "../../../src/observability/health-server.js";
import { RuntimeMetrics } from "../../../src/observability/runtime-metrics.js";

let server: HealthServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("health server", () => {
  it("answers /healthz, flips /readyz when its checks pass, and serves the registry on /metrics", async () => {
    const registry = new Registry();
    const metrics = new RuntimeMetrics(registry);
    metrics.setLeader("my-lease", true);
    new Counter({
      name: "payload_operator_builds_started_total",
      help: "builds started",
      registers: [registry],
    }).inc(3);
    let synced = false;
    server = await startHealthServer({
      registry,
      readiness: () => [{ name: "informers-synced", check: () => synced }],
    });

    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const notReady = await fetch(`${server.url}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.text()).toContain("informers-synced");
    synced = true;
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);

    const res = await fetch(`${server.url}/metrics`);
    expect(res.headers.get("content-type")).toContain("text/plain");
    const text = await res.text();
    expect(text).toContain('leader_election_master_status{name="my-lease"} 1');
    expect(text).toContain("payload_operator_builds_started_total 3");
    expect((await fetch(`${server.url}/nope`)).status).toBe(404);
  });
});
