import { describe, expect, it } from "vitest";
import { createdFromReleaseName } from "../../../src/release-image/release-created.js";

describe("createdFromReleaseName", () => {
  it("reads the UTC time at the end of a release-controller style name", () => {
    expect(createdFromReleaseName("4.17.0-0.okd-scos-2026-11-21-083740")).toEqual(
      new Date("2026-11-21T08:37:40Z"),
    );
    expect(createdFromReleaseName("4.15.0-0.okd-2024-01-02-030405+build.1")).toEqual(
      new Date("2024-01-02T03:04:05Z"),
    );
  });

  it("gives nothing for names without a valid time", () => {
    expect(createdFromReleaseName("4.15.1")).toBeUndefined();
    expect(createdFromReleaseName("4.17.0-0.okd-2026-13-01-000000")).toBeUndefined();
    expect(createdFromReleaseName("4.17.0-0.okd-2026-02-30-000000")).toBeUndefined();
    expect(createdFromReleaseName("4.17.0-0.okd-2026-02-03-250000")).toBeUndefined();
  });
});
