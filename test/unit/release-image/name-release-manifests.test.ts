import { describe, expect, it } from "vitest";
import { nameReleaseManifests } from "../../../src/release-image/name-release-manifests.js";

describe("nameReleaseManifests", () => {
  it("prefixes 0000_50_<tag>_, keeps 0000_ names, and suffixes clashes _2, _3 in operator order", () => {
    const names = nameReleaseManifests([
      { operator: "alpha", files: ["0000_30_shared.yaml", "a.yaml", "notes"] },
      { operator: "beta", files: ["0000_30_shared.yaml", "0000_50_alpha_a.yaml"] },
      { operator: "gamma", files: ["0000_30_shared.yaml"] },
    ]);
    expect(names.map((n) => [n.operator, n.file, n.name, n.collided])).toEqual([
      ["alpha", "0000_30_shared.yaml", "0000_30_shared.yaml", false],
      ["alpha", "a.yaml", "0000_50_alpha_a.yaml", false],
      ["alpha", "notes", "0000_50_alpha_notes", false],
      ["beta", "0000_30_shared.yaml", "0000_30_shared_2.yaml", true],
      ["beta", "0000_50_alpha_a.yaml", "0000_50_alpha_a_2.yaml", true],
      ["gamma", "0000_30_shared.yaml", "0000_30_shared_3.yaml", true],
    ]);
  });

  it("puts the suffix before the last extension only", () => {
    const names = nameReleaseManifests([
      { operator: "a", files: ["0000_10_x.crd.yaml"] },
      { operator: "b", files: ["0000_10_x.crd.yaml"] },
    ]);
    expect(names[1]?.name).toBe("0000_10_x.crd_2.yaml");
  });
});
