import { describe, expect, it } from "vitest";
import {
  operatorConfigFromFlags,
  parseListenAddress,
  parseShipwrightStrategy,
} from "../../../src/cli/operator-command.js";
import { renderPayloadBuildStatus } from "../../../src/cli/status-command.js";

describe("payloadctl operator flags", () => {
  it("parses listen addresses like controller-runtime's --metrics-bind-address", () => {
    expect(parseListenAddress("127.0.0.1:8080")).toEqual({ host: "127.0.0.1", port: 8080 });
    expect(parseListenAddress(":8443")).toEqual({ host: "0.0.0.0", port: 8443 });
    expect(parseListenAddress("[::1]:0")).toEqual({ host: "::1", port: 0 });
    expect(parseListenAddress("off")).toBeUndefined();
    expect(() => parseListenAddress("localhost:http")).toThrow(/HOST:PORT/);
  });

  it("parses --shipwright-strategy and keeps the Shipwright service account apart from OpenShift's", () => {
    expect(parseShipwrightStrategy("okd-payload-buildah")).toEqual({
      kind: "ClusterBuildStrategy",
      name: "okd-payload-buildah",
    });
    expect(parseShipwrightStrategy("BuildStrategy/mine")).toEqual({ kind: "BuildStrategy", name: "mine" });
    expect(() => parseShipwrightStrategy("Strategy/x")).toThrow(/ClusterBuildStrategy\/NAME/);
    const config = operatorConfigFromFlags({
      metricsAddr: "off",
      logLevel: "info",
      buildServiceAccount: "builder",
      shipwrightServiceAccount: "pipeline",
      shipwrightStrategy: { kind: "BuildStrategy", name: "mine" },
    });
    expect(config.buildSettings).toEqual({
      serviceAccount: "builder",
      shipwrightServiceAccount: "pipeline",
      shipwrightStrategy: { kind: "BuildStrategy", name: "mine" },
    });
  });

  it("turns flags into the operator configuration", () => {
    const config = operatorConfigFromFlags({
      metricsAddr: ":9090",
      logLevel: "debug",
      leaderElect: true,
      insecureRegistry: ["127.0.0.1:5000"],
      registryCa: "/etc/ca.pem",
      buildRetryDelay: 0.5,
      buildPushSecret: "builder-dockercfg",
    });
    expect(config).toMatchObject({
      metrics: { host: "0.0.0.0", port: 9090 },
      leaderElect: true,
      insecureRegistries: ["127.0.0.1:5000"],
      registryCaFile: "/etc/ca.pem",
      logLevel: "debug",
      buildRetryDelayMs: 500,
      buildSettings: { pushSecret: "builder-dockercfg" },
    });
    expect(() => operatorConfigFromFlags({ metricsAddr: "off", logLevel: "loud" })).toThrow(
      /--log-level loud/,
    );
  });
});

describe("payloadctl status rendering", () => {
  const payloadBuild = {
    metadata: { name: "okd", namespace: "builds", generation: 2 },
    status: {
      observedGeneration: 2,
      phase: "Building",
      conditions: [
        {
          type: "Ready",
          status: "False",
          reason: "Building",
          message: "2/4 components landed, 0 building, 1 failed, 1 blocked",
          lastTransitionTime: "2026-11-21T12:00:00Z",
        },
      ],
      counts: { total: 4, waiting: 0, building: 0, landed: 2, failed: 1, blocked: 1 },
      components: [
        { name: "base", state: "Landed", image: "r/x@sha256:1" },
        { name: "cli", state: "Landed", image: "r/x@sha256:2" },
        {
          name: "broken",
          state: "Failed",
          message: "attempt 2 (okd-broken-2) failed: DockerBuildFailed: boom",
        },
        { name: "needs-broken", state: "Blocked", message: "blocked: dependency broken failed" },
      ],
    },
  };

  it("shows counts, a progress bar on a terminal, and the failing components with their messages", () => {
    const text = renderPayloadBuildStatus(payloadBuild, { tty: true, barWidth: 10 });
    expect(text).toContain("PayloadBuild builds/okd");
    expect(text).toContain("Phase:    Building");
    expect(text).toContain("[#####-----] 2/4 landed, 0 building, 0 waiting, 1 failed, 1 blocked");
    expect(text).toContain("  broken: attempt 2 (okd-broken-2) failed: DockerBuildFailed: boom");
    expect(text).toContain("  needs-broken: blocked: dependency broken failed");
  });

  it("prints plain lines without a bar off a terminal, and the release pullspec@digest", () => {
    const done = {
      ...payloadBuild,
      status: {
        ...payloadBuild.status,
        phase: "Succeeded",
        release: { name: "4.17.0", image: "quay.io/okd/release@sha256:abc", digest: "sha256:abc" },
      },
    };
    const text = renderPayloadBuildStatus(done, { tty: false });
    expect(text).not.toContain("[#");
    expect(text).toContain("Progress: 2/4 landed");
    expect(text).toContain("Release:  4.17.0 quay.io/okd/release@sha256:abc");
  });
});
