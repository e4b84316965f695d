import { readFile } from "node:fs/promises";
import { parse as parseYaml } from "yaml";
import { describe, expect, it } from "vitest";
import { parsePayloadBuild } from "../../../src/api/payload-build.js";
import {
  componentProfileOf,
  loadSimulationProfile,
  parseSimulationProfile,
} from "../../../src/devcluster/builds/simulation-profile.js";
import { ALLOWED_VERSION_KEYS } from "../../../src/release-image/index.js";

describe("the sample simulation profile", () => {
  it("describes only components of the sample payload and references only its tags", async () => {
    const profile = await loadSimulationProfile("config/samples/simulation.yaml");
    const parsed = parsePayloadBuild(parseYaml(await readFile("config/samples/payloadbuild.yaml", "utf8")));
    if (!parsed.ok) throw new Error("sample payload is invalid");
    const names = new Set(parsed.value.spec.components.map((c) => c.name));
    for (const [name, component] of Object.entries(profile.components ?? {})) {
      expect(names.has(name), `${name} is not a sample component`).toBe(true);
      for (const ref of component.references ?? [])
        expect(names.has(ref), `${name} references ${ref}`).toBe(true);
      for (const pair of (component.versions ?? "").split(",").filter((p) => p !== ""))
        expect(ALLOWED_VERSION_KEYS).toContain(pair.split("=")[0]);
    }
    const operators = Object.entries(profile.components ?? {}).filter(([, c]) => c.operator === true);
    expect(operators.length).toBeGreaterThanOrEqual(9);
  });
});

describe("parseSimulationProfile", () => {
  it("fills defaults for components it does not list", () => {
    const p = componentProfileOf(parseSimulationProfile({ defaults: { durationMs: 10 } }), "anything");
    expect(p).toMatchObject({ operator: false, references: [], durationMs: 10 });
  });

  it("rejects unknown fields and bad values, naming them", () => {
    expect(() => parseSimulationProfile({ components: { a: { operatr: true } } })).toThrow(/components\.a/);
    expect(() => parseSimulationProfile({ components: { a: { durationMs: -1 } } })).toThrow(/durationMs/);
  });
});
