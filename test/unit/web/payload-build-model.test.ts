import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../../src/kube/kube-object.js";
import { payloadBuildModel, splitFailureMessage } from "../../../src/web/payload-build-model.js";

const T0 = Date.parse("2026-12-01T10:00:00Z");
const at = (s: number) => new Date(T0 + s * 1000).toISOString();
const comp = (name: string, from: string) => ({
  name,
  source: { git: { uri: `https://github.com/okd/${name}` } },
  from,
});

function build(components: Record<string, unknown>[]): KubeObject {
  return {
    apiVersion: "payload.okd.io/v1alpha1",
    kind: "PayloadBuild",
    metadata: { name: "okd", namespace: "ns", creationTimestamp: at(0) },
    spec: {
      imageStream: "release",
      components: [
        comp("base", "quay.io/centos/centos:stream9"),
        comp("cvo", "base"),
        comp("dns", "base"),
        comp("coredns", "dns"),
      ],
    },
    status: {
      phase: "Building",
      startedAt: at(0),
      counts: { total: 4, waiting: 1, building: 1, landed: 2, failed: 0, blocked: 0 },
      plan: { levels: 3, criticalPath: ["base", "dns", "coredns"] },
      components,
    },
  };
}

describe("payloadBuildModel", () => {
  const model = payloadBuildModel(
    build([
      { name: "base", state: "Landed", startedAt: at(0), completedAt: at(10), attempts: 1 },
      { name: "dns", state: "Landed", startedAt: at(12), completedAt: at(20), attempts: 1 },
      { name: "cvo", state: "Building", startedAt: at(15), attempts: 2 },
      { name: "coredns", state: "Waiting" },
    ]),
    T0 + 30_000,
  );

  it("lays the graph out in dependency levels and marks the critical path's nodes and edges", () => {
    expect(model.levels).toBe(3);
    expect(model.nodes.map((n) => [n.name, n.level, n.row, n.state, n.critical])).toEqual([
      ["base", 0, 0, "Landed", true],
      ["cvo", 1, 0, "Building", false],
      ["dns", 1, 1, "Landed", true],
      ["coredns", 2, 0, "Waiting", true],
    ]);
    expect(model.edges.filter((e) => e.critical).map((e) => `${e.from}>${e.to}`)).toEqual([
      "base>dns",
      "dns>coredns",
    ]);
    expect(model.edges.find((e) => e.to === "cvo")?.critical).toBe(false);
    expect(model.percent).toBe(50);
  });

  it("gives each started build a waiting span (dependencies landed -> started) and a running span (-> landed, or now)", () => {
    expect(model.timeline.map((t) => [t.name, t.readyAt, t.startedAt, t.endedAt])).toEqual([
      ["base", 0, 0, 10],
      ["dns", 10, 12, 20],
      ["cvo", 10, 15, 30],
      ["coredns", 20, undefined, undefined],
    ]);
    expect(model.spanSeconds).toBe(30);
  });

  it("splits a failure message into reason and log snippet", () => {
    expect(
      splitFailureMessage("attempt 2 (okd-x-2) failed: DockerBuildFailed: boom; log: STEP 3\nexit 1"),
    ).toEqual({
      reason: "attempt 2 (okd-x-2) failed: DockerBuildFailed: boom",
      log: "STEP 3\nexit 1",
    });
    const failed = payloadBuildModel(
      build([{ name: "dns", state: "Failed", message: "no; log: <b>x</b>", build: "okd-dns-1" }]),
      T0,
    );
    expect(failed.failures).toEqual([
      { name: "dns", state: "Failed", reason: "no", log: "<b>x</b>", build: "okd-dns-1" },
    ]);
  });

  it("says why an invalid spec cannot be drawn instead of throwing", () => {
    const cyclic = { ...build([]), spec: { imageStream: "r", components: [comp("a", "b"), comp("b", "a")] } };
    expect(payloadBuildModel(cyclic, T0).problem).toMatch(/cycle/);
    expect(payloadBuildModel({ ...build([]), spec: { nonsense: true } }, T0).problem).toMatch(
      /does not parse/,
    );
  });
});
