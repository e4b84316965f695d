/**
 * The sample payload (config/samples/payloadbuild.yaml) built by the simulated build system with
 * the sample content profile (config/samples/simulation.yaml), then assembled into a release by
 * the release-assembly module: proves the profile's operators, image-references and manifests are
 * what `oc adm release new` accepts.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { afterAll, beforeAll, expect, it } from "vitest";
import { parsePayloadBuild } from "../../../src/api/payload-build.js";
import { BUILDS, IMAGE_STREAMS, loadSimulationProfile } from "../../../src/devcluster/builds/index.js";
import { assembleRelease, imageStreamSchema } from "../../../src/release-image/index.js";
import { openImageStore } from "../../../src/registry/image-store.js";
import { createNamespace } from "../../support/dev-cluster-fixture.js";
import { waitFor } from "../../support/wait-for.js";
import { startBuildsHarness, type BuildsHarness } from "./support.js";

let h: BuildsHarness;
let out: string;

beforeAll(async () => {
  h = await startBuildsHarness(await loadSimulationProfile("config/samples/simulation.yaml"), 100);
  out = await mkdtemp(join(tmpdir(), "sample-release-"));
});

afterAll(async () => {
  await h.stop();
  await rm(out, { recursive: true, force: true });
});

it("builds every sample component and assembles a release whose operators reference landed images", async () => {
  const parsed = parsePayloadBuild(parseYaml(await readFile("config/samples/payloadbuild.yaml", "utf8")));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  const spec = parsed.value.spec;
  const names = new Set(spec.components.map((c) => c.name));
  const ns = await createNamespace(h.client, "sample");
  const prebuilt = spec.components.filter((c) => c.image !== undefined);
  await h.client.create(IMAGE_STREAMS, {
    apiVersion: "image.openshift.io/v1",
    kind: "ImageStream",
    metadata: { name: "release", namespace: ns },
    spec: {
      tags: prebuilt.map((c) => ({
        name: c.name,
        from: { kind: "DockerImage", name: c.image },
        referencePolicy: { type: "Local" },
      })),
    },
  });
  const ref = (image: string) =>
    names.has(image)
      ? { kind: "ImageStreamTag", name: `release:${image}` }
      : { kind: "DockerImage", name: image };
  const pending = new Map(
    spec.components
      .filter((c) => c.image === undefined)
      .map((c) => {
        const defaults = c.skipDefaults === true ? [] : (spec.defaults?.inputs ?? []);
        const inputs = [...(c.inputs ?? []), ...defaults].filter((i) => i.from !== c.name);
        return [c, inputs] as const;
      }),
  );
  const landed = new Set(prebuilt.map((c) => c.name));
  while (pending.size > 0) {
    const ready = [...pending].filter(([c, inputs]) =>
      [c.from, ...inputs.map((i) => i.from)].every((d) => d === undefined || !names.has(d) || landed.has(d)),
    );
    expect(ready.length).toBeGreaterThan(0);
    for (const [c, inputs] of ready) {
      await h.client.create(BUILDS, {
        apiVersion: "build.openshift.io/v1",
        kind: "Build",
        metadata: { name: `${c.name}-1`, namespace: ns, labels: { "payload.okd.io/component": c.name } },
        spec: {
          source: {
            git: c.source?.git,
            ...(c.source?.contextDir === undefined ? {} : { contextDir: c.source.contextDir }),
            // OpenShift's validation: every source image says where it goes (`paths` or `as`).
            images: inputs.map((i) => ({
              from: ref(i.from),
              ...(i.paths === undefined ? {} : { paths: i.paths }),
              as: i.as ?? (i.paths === undefined ? [i.from] : []),
            })),
          },
          strategy: { type: "Docker", dockerStrategy: c.from === undefined ? {} : { from: ref(c.from) } },
          output: { to: { kind: "ImageStreamTag", name: `release:${c.name}` } },
        },
      });
      pending.delete(c);
    }
    for (const [c] of ready) {
      const build = await waitFor(async () => {
        const b = await h.client.get(BUILDS, { namespace: ns, name: `${c.name}-1` });
        return ["Complete", "Failed"].includes(b.status?.phase ?? "") ? b : undefined;
      }, `build of ${c.name}`);
      expect(build.status?.phase, `${c.name}: ${JSON.stringify(build.status)}`).toBe("Complete");
      landed.add(c.name);
    }
  }
  const stream = await waitFor(async () => {
    const s = await h.client.get(IMAGE_STREAMS, { namespace: ns, name: "release" });
    const tags = new Set((s.status?.tags ?? []).filter((t) => (t.items?.length ?? 0) > 0).map((t) => t.tag));
    return [...names].every((n) => tags.has(n)) ? s : undefined;
  }, "every tag to land");

  const release = await assembleRelease(
    {
      source: { kind: "image-stream", stream: imageStreamSchema.parse(stream) },
      name: spec.release?.name ?? "4.17.0-0.okd-scos-2026-11-21-120000",
      to: `oci:${out}:release`,
    },
    { openStore: (reference) => openImageStore(reference, { insecureRegistries: [h.registryHost] }) },
  );
  expect(release.report.operators).toHaveLength(9);
  expect(release.report.images).toEqual(expect.arrayContaining(["coredns", "hyperkube", "kuryr-cni", "cli"]));
  expect(release.report.pruned).toEqual(expect.arrayContaining(["builder", "base", "forked-dockerfiles"]));
  expect(release.report.manifests.length).toBeGreaterThanOrEqual(18);
});
