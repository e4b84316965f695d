/** `payloadctl releases` rendering: the release page's table, coloured phases on a terminal, JSON. */
import { describe, expect, it } from "vitest";
import { formatAge, releasesJson, renderReleases } from "../../../src/cli/releases-command.js";

const stream = { metadata: { name: "okd-scos", namespace: "okd" } };
const status = {
  latest: "4.17.0-0.okd-scos-2026-11-21-100000",
  latestAccepted: "4.17.0-0.okd-scos-2026-11-21-090000",
  releases: [
    {
      name: "4.17.0-0.okd-scos-2026-11-21-100000",
      phase: "Rejected" as const,
      createdAt: "2026-11-21T10:00:00Z",
      digest: `sha256:${"b".repeat(64)}`,
      reason: "VerificationFailed",
      message: "verification smoke: Job x failed",
      verifications: [
        { name: "smoke", state: "Failed" as const, attempts: 2 },
        { name: "extra", state: "Succeeded" as const, attempts: 1, optional: true },
      ],
    },
    {
      name: "4.17.0-0.okd-scos-2026-11-21-090000",
      phase: "Accepted" as const,
      createdAt: "2026-11-21T09:00:00Z",
    },
  ],
};
const NOW = Date.parse("2026-11-21T12:00:00Z");

describe("renderReleases", () => {
  it("lists newest first with phase, age, digest and verification results, and why a release was rejected", () => {
    expect(renderReleases(stream, status, { tty: false, nowMs: NOW })).toBe(
      [
        "ReleaseStream okd/okd-scos  latest: 4.17.0-0.okd-scos-2026-11-21-100000  accepted: 4.17.0-0.okd-scos-2026-11-21-090000",
        "NAME                                 PHASE     AGE  DIGEST               VERIFICATION",
        "4.17.0-0.okd-scos-2026-11-21-100000  Rejected  2h   sha256:bbbbbbbbbbbb  smoke=failed (1 retries), extra?=ok",
        "4.17.0-0.okd-scos-2026-11-21-090000  Accepted  3h   -                    -",
        "  4.17.0-0.okd-scos-2026-11-21-100000: VerificationFailed: verification smoke: Job x failed",
        "",
      ].join("\n"),
    );
  });

  it("colours phases on a terminal", () => {
    const text = renderReleases(stream, status, { tty: true, nowMs: NOW });
    expect(text).toContain("\u001b[31mRejected");
    expect(text).toContain("\u001b[32mAccepted");
  });

  it("says when there is no release, and gives JSON", () => {
    expect(renderReleases(stream, {}, { tty: false, nowMs: NOW })).toContain("no releases yet");
    expect(JSON.parse(releasesJson(stream, status))).toMatchObject({
      latest: status.latest,
      releases: [{ phase: "Rejected" }, {}],
    });
    expect(formatAge("2026-11-19T12:00:00Z", NOW)).toBe("2d");
  });
});
