/**
 * `payloadctl assemble` as a new user meets it: components from an `oci:` layout, an unreadable
 * component image named at once with the reason it is needed, and a creation time one can predict.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ImageStores } from "../../../src/registry/image-store.js";
import { assembleRelease } from "../../../src/release-image/assemble-release.js";
import { parseComponentMappings } from "../../../src/release-image/component-sources.js";
import { readReleaseInfo } from "../../../src/release-image/read-release-info.js";
import { writeSyntheticPayload } from "../../../src/release-image/synthetic-payload.js";
import { startDockerRegistry, type RunningDockerRegistry } from "../../support/docker-registry.js";
import { run, scratch } from "./third-party-tools.js";

let registry: RunningDockerRegistry;
let work: { dir: string; cleanup: () => Promise<void> };
let stores: ImageStores;

beforeAll(async () => {
  registry = await startDockerRegistry();
  work = await scratch("assemble-usability-");
  stores = new ImageStores({ insecureRegistries: [registry.host] });
});

afterAll(async () => {
  await registry?.stop();
  await work?.cleanup();
});

describe("payloadctl assemble usability", () => {
  it("takes components from an oci: layout, as every other payloadctl command does", async () => {
    const layout = join(work.dir, "layout");
    const payload = await writeSyntheticPayload({
      store: stores.open(`oci:${layout}`),
      repository: "unused.invalid/okd",
      components: 4,
      operators: 1,
    });
    const pairs = payload.components.map((c) => `${c.tag}=oci:${layout}:${c.tag}`);
    const release = await assembleRelease(
      {
        source: { kind: "images" },
        images: parseComponentMappings(pairs),
        name: "4.17.0-0.okd-2026-11-21-000000",
        to: `docker://${registry.host}/okd/from-layout`,
      },
      { openStore: (reference) => stores.open(reference) },
    );
    expect(release.report.operators).toEqual(["operator-01"]);
    const info = await readReleaseInfo(`docker://${registry.host}/okd/from-layout@${release.digest}`, {
      openStore: (reference) => stores.open(reference),
    });
    expect(info.images.find((i) => i.tag === "operator-01")?.pullspec).toBe(`oci:${layout}:operator-01`);
    // The time the name carries, not an old manifest's.
    expect(release.created).toBe("2026-11-21T00:00:00Z");
  });

  it("fails at once naming the image that cannot be read and why it is needed", async () => {
    const gone = await startDockerRegistry();
    const goneStores = new ImageStores({ insecureRegistries: [gone.host, registry.host] });
    const payload = await writeSyntheticPayload({
      store: goneStores.open(`docker://${gone.host}/okd/content`),
      repository: `${gone.host}/okd/content`,
      components: 4,
      operators: 1,
    });
    await gone.stop();
    const started = Date.now();
    const failure = assembleRelease(
      {
        source: { kind: "images" },
        images: payload.components,
        name: "4.17.0",
        to: `docker://${registry.host}/okd/never`,
      },
      {
        openStore: (reference) =>
          new ImageStores({ insecureRegistries: [gone.host, registry.host] }).open(reference),
      },
    );
    const host = gone.host.replace(/\./g, "\\.");
    await expect(failure).rejects.toThrow(
      new RegExp(
        `cannot read image "[\\w-]+" \\(${host}/okd/content@sha256:[0-9a-f]{64}\\): (every component image is read for its labels|it is the base \\(Cluster Version Operator\\) image)`,
      ),
    );
    await expect(failure).rejects.toThrow(/ECONNREFUSED/);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it("stamps the CLI's release with SOURCE_DATE_EPOCH when set", async () => {
    const payload = await writeSyntheticPayload({
      store: stores.open(`docker://${registry.host}/okd/cli-content`),
      repository: `${registry.host}/okd/cli-content`,
      components: 3,
      operators: 1,
    });
    const out = await runWithEnv({ SOURCE_DATE_EPOCH: "1767225600" }, [
      "assemble",
      "--from-images",
      ...payload.components.map((c) => `${c.tag}=${c.pullspec}`),
      "--name",
      "4.17.2",
      "--to",
      `docker://${registry.host}/okd/cli-epoch`,
      "--insecure-registry",
      registry.host,
    ]);
    expect(out.trim().split(" ")[2]).toBe("2026-01-01T00:00:00Z");
  });
});

async function runWithEnv(env: Record<string, string>, args: readonly string[]): Promise<string> {
  return run("env", [
    ...Object.entries(env).map(([k, v]) => `${k}=${v}`),
    "npx",
    "tsx",
    "src/cli/payloadctl.ts",
    ...args,
  ]);
}
