import { describe, expect, it } from "vitest";
import {
  latestResponse,
  releaseInfoResponse,
  streamsByPhaseResponse,
  tagsResponse,
} from "../../../src/web/release-api.js";
import { CINCINNATI_TYPE, graphResponse } from "../../../src/web/cincinnati-graph.js";
import { streamModels } from "../../../src/web/release-streams-model.js";
import { digest, streamObject } from "./web-fixtures.js";

const P = "4.17.0-0.okd-scos";
const models = streamModels([
  streamObject("okd-scos-4-17", P, [
    { name: `${P}-2026-12-01-100000`, phase: "Accepted", digest: digest("a") },
    {
      name: `${P}-2026-12-03-100000`,
      phase: "Rejected",
      digest: digest("c"),
      previous: [`${P}-2026-12-02-100000`],
    },
    {
      name: `${P}-2026-12-02-100000`,
      phase: "Accepted",
      digest: digest("b"),
      previous: [`${P}-2026-12-01-100000`],
      verifications: [
        { name: "e2e", state: "Succeeded", attempts: 2 },
        { name: "optional-upgrade", state: "Failed", optional: true, attempts: 1 },
      ],
    },
    { name: `${P}-2026-12-04-100000`, phase: "Pending" },
  ]),
  streamObject("okd-4-16", "4.16.0-0.okd", [
    { name: "4.16.0-0.okd-2026-11-01-000000", phase: "Accepted", digest: digest("d") },
  ]),
]);
const q = (s = "") => new URLSearchParams(s);
const body = (r: { body: string }) => JSON.parse(r.body) as unknown;

describe("latest (release-controller's /api/v1/releasestream/{name}/latest)", () => {
  it("answers the newest Accepted release as {name, phase, pullSpec, downloadURL}, by metadata.name or by prefix", () => {
    const byName = latestResponse(models, "okd-scos-4-17", q());
    expect(byName.status).toBe(200);
    expect(byName.contentType).toBe("application/json");
    expect(body(byName)).toEqual({
      name: `${P}-2026-12-02-100000`,
      phase: "Accepted",
      pullSpec: `quay.io/okd/okd-scos-4-17:${P}-2026-12-02-100000`,
      downloadURL: "",
    });
    expect(latestResponse(models, P, q()).body).toBe(byName.body);
  });

  it("rel=N skips the N newest matches; prefix and in filter; formats give text", () => {
    expect(body(latestResponse(models, P, q("rel=1")))).toMatchObject({ name: `${P}-2026-12-01-100000` });
    expect(latestResponse(models, P, q("rel=2")).status).toBe(404);
    expect(latestResponse(models, P, q(`prefix=${P}-2026-12-01`)).body).toContain("2026-12-01-100000");
    expect(
      body(latestResponse(models, P, q(`in=${encodeURIComponent("<4.17.0-0.okd-scos-2026-12-02-000000")}`))),
    ).toMatchObject({
      name: `${P}-2026-12-01-100000`,
    });
    expect(latestResponse(models, P, q("in=>4.18.0-0")).status).toBe(404);
    expect(latestResponse(models, P, q("format=pullSpec")).body).toBe(
      `quay.io/okd/okd-scos-4-17:${P}-2026-12-02-100000\n`,
    );
    expect(latestResponse(models, P, q("format=name")).body).toBe(`${P}-2026-12-02-100000\n`);
  });

  it("400 for a malformed in, rel or format, naming the parameter; 404 for an unknown stream", () => {
    const badIn = latestResponse(models, P, q("in=banana"));
    expect(badIn.status).toBe(400);
    expect(badIn.body).toMatch(/^in: "banana" is not a comparison/);
    expect(latestResponse(models, P, q("rel=-1")).status).toBe(400);
    expect(latestResponse(models, P, q("format=yaml")).body).toMatch(/^format: must be json, pullSpec/);
    const missing = latestResponse(models, "nope", q());
    expect(missing.status).toBe(404);
    expect(missing.body).toContain('release stream "nope" not found');
  });
});

describe("tags", () => {
  it("lists every release newest first (semver order), filtered by repeated phase", () => {
    const all = body(tagsResponse(models, "okd-scos-4-17", q())) as {
      name: string;
      tags: { name: string }[];
    };
    expect(all.name).toBe("okd-scos-4-17");
    expect(all.tags.map((t) => t.name.slice(-17))).toEqual([
      "2026-12-04-100000",
      "2026-12-03-100000",
      "2026-12-02-100000",
      "2026-12-01-100000",
    ]);
    const some = body(tagsResponse(models, P, q("phase=Rejected&phase=Pending"))) as {
      tags: { phase: string }[];
    };
    expect(some.tags.map((t) => t.phase)).toEqual(["Pending", "Rejected"]);
  });
});

describe("release info", () => {
  it("gives phase, blocking and informing job results (Running as Pending, retries), upgrade edges in release-controller's field names", () => {
    const r = releaseInfoResponse(models, P, `${P}-2026-12-02-100000`, q());
    expect(body(r)).toEqual({
      name: `${P}-2026-12-02-100000`,
      phase: "Accepted",
      results: {
        blockingJobs: { e2e: { state: "Succeeded", url: "", retries: 1 } },
        informingJobs: { "optional-upgrade": { state: "Failed", url: "" } },
      },
      upgradesTo: [
        { From: `${P}-2026-12-02-100000`, To: `${P}-2026-12-03-100000`, Success: 0, Failure: 1, Total: 1 },
      ],
      upgradesFrom: [
        { From: `${P}-2026-12-01-100000`, To: `${P}-2026-12-02-100000`, Success: 1, Failure: 0, Total: 1 },
      ],
    });
    expect(releaseInfoResponse(models, P, "4.17.0-nope", q()).status).toBe(404);
  });
});

describe("graph (Cincinnati)", () => {
  it("has a node per release with a digest and, by default, only the successful edges", () => {
    const r = graphResponse(models, q());
    expect(r.contentType).toBe(CINCINNATI_TYPE);
    const g = body(r) as { nodes: { version: string; payload: string }[]; edges: [number, number][] };
    const at = (v: string) => g.nodes.findIndex((n) => n.version === `${P}-${v}`);
    expect(g.nodes.find((n) => n.version === `${P}-2026-12-02-100000`)?.payload).toBe(
      `quay.io/okd/okd-scos-4-17@${digest("b")}`,
    );
    expect(g.edges).toEqual([[at("2026-12-01-100000"), at("2026-12-02-100000")]]);
    const nightly = body(graphResponse(models, q("channel=nightly"))) as { edges: unknown[] };
    expect(nightly.edges).toHaveLength(2);
    expect((body(graphResponse(models, q("channel=stable-4.16"))) as { edges: unknown[] }).edges).toEqual([]);
    expect(
      (body(graphResponse(models, q("channel=prerelease-4.17"))) as { edges: unknown[] }).edges,
    ).toHaveLength(2);
    expect(graphResponse(models, q("channel=fast")).status).toBe(400);
  });
});

describe("stream maps (/api/v1/releasestreams/{accepted|rejected|ready|all})", () => {
  it("maps each stream to its release names of that phase, newest first; another word is a 404 naming the choices", () => {
    expect(body(streamsByPhaseResponse(models, "accepted"))).toEqual({
      "okd-4-16": ["4.16.0-0.okd-2026-11-01-000000"],
      "okd-scos-4-17": [`${P}-2026-12-02-100000`, `${P}-2026-12-01-100000`],
    });
    expect(
      (body(streamsByPhaseResponse(models, "all")) as Record<string, string[]>)["okd-scos-4-17"],
    ).toHaveLength(4);
    expect(body(streamsByPhaseResponse(models, "ready"))).toEqual({ "okd-4-16": [], "okd-scos-4-17": [] });
    const bad = streamsByPhaseResponse(models, "toString");
    expect(bad.status).toBe(404);
    expect(bad.body).toContain("use accepted, rejected, ready or all");
  });
});
