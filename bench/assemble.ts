/**
 * Release assembly benchmark: a synthetic 200-component payload (60 operators, 5 manifests each, a CVO
 * with a large incompressible layer) in a local docker-registry. Measures our `assembleRelease` (wall
 * time, bytes uploaded) against a baseline in the same run made of skopeo + umoci CLI steps: copy the
 * CVO image to an OCI layout, unpack, add release-manifests, repack, set labels, push.
 *
 * Run: `npx tsx bench/assemble.ts [--components 200] [--operators 60] [--manifests 5] [--cvo-mib 64]`
 * Prints a Markdown table. Never asserts on time.
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs, promisify } from "node:util";
import { openImageStore } from "../src/registry/image-store.js";
import { assembleRelease } from "../src/release-image/assemble-release.js";
import { readReleaseInfo } from "../src/release-image/read-release-info.js";
import { readTopLayerDirectory, resolveImage } from "../src/release-image/resolve-image.js";
import { writeSyntheticPayload } from "../src/release-image/synthetic-payload.js";
import { startDockerRegistry } from "../test/support/docker-registry.js";

const exec = promisify(execFile);

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  const start = process.hrtime.bigint();
  const value = await fn();
  return { value, seconds: Number(process.hrtime.bigint() - start) / 1e9 };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      components: { type: "string", default: "200" },
      operators: { type: "string", default: "60" },
      manifests: { type: "string", default: "5" },
      "cvo-mib": { type: "string", default: "64" },
    },
  });
  const components = Number(values.components);
  const operators = Number(values.operators);
  const manifests = Number(values.manifests);
  const cvoBytes = Number(values["cvo-mib"]) * 1024 * 1024;
  const registry = await startDockerRegistry();
  const work = await mkdtemp(join(tmpdir(), "bench-assemble-"));
  try {
    const openStore = (reference: string) =>
      openImageStore(reference, { insecureRegistries: [registry.host] });
    const content = `${registry.host}/okd/content`;
    const setup = await timed(() =>
      writeSyntheticPayload({
        store: openStore(`docker://${content}`),
        repository: content,
        components,
        operators,
        manifestsPerOperator: manifests,
        baseLayerBytes: cvoBytes,
      }),
    );
    const name = "4.15.0-0.okd-2024-01-02-030405";

    // Ours: cold (new repository), then again (everything present).
    const ours = await timed(() =>
      assembleRelease(
        {
          source: { kind: "images" },
          images: setup.value.components,
          name,
          to: `docker://${registry.host}/okd/release`,
        },
        { openStore },
      ),
    );
    const again = await timed(() =>
      assembleRelease(
        {
          source: { kind: "images" },
          images: setup.value.components,
          name,
          to: `docker://${registry.host}/okd/release`,
        },
        { openStore },
      ),
    );
    const info = await readReleaseInfo(`docker://${registry.host}/okd/release:${name}`, { openStore });

    // Baseline: skopeo + umoci, given the release-manifests files our plan produced (it does not compute them).
    const cvo = setup.value.components.find((c) => c.tag === "cluster-version-operator")?.pullspec ?? "";
    const layout = join(work, "oci");
    const bundle = join(work, "bundle");
    const steps: Record<string, number> = {};
    const step = async (label: string, command: string, args: string[]): Promise<void> => {
      const result = await timed(() => exec(command, args, { maxBuffer: 64 * 1024 * 1024 }));
      steps[label] = result.seconds;
    };
    const baseline = await timed(async () => {
      await step("skopeo copy CVO -> oci:", "skopeo", [
        "copy",
        "--quiet",
        "--src-tls-verify=false",
        `docker://${cvo}`,
        `oci:${layout}:cvo`,
      ]);
      await step("umoci unpack", "umoci", ["unpack", "--image", `${layout}:cvo`, bundle]);
      const addStart = process.hrtime.bigint();
      const dir = join(bundle, "rootfs", "release-manifests");
      await mkdir(dir, { recursive: true });
      const layerFiles = await readReleaseLayerFiles(openStore, `${registry.host}/okd/release`, name);
      for (const [file, data] of layerFiles) await writeFile(join(dir, file), data);
      steps["write release-manifests"] = Number(process.hrtime.bigint() - addStart) / 1e9;
      await step("umoci repack", "umoci", ["repack", "--image", `${layout}:cvo`, bundle]);
      await step("umoci config (labels)", "umoci", [
        "config",
        "--image",
        `${layout}:cvo`,
        "--clear=config.labels",
        "--config.label",
        `io.openshift.release=${name}`,
        "--config.label",
        `io.openshift.release.base-image-digest=${cvo.split("@")[1] ?? ""}`,
      ]);
      await step("skopeo copy oci: -> registry", "skopeo", [
        "copy",
        "--quiet",
        "--dest-tls-verify=false",
        `oci:${layout}:cvo`,
        `docker://${registry.host}/okd/release-baseline:${name}`,
      ]);
    });
    const baselineImage = JSON.parse(
      (
        await exec("skopeo", [
          "inspect",
          "--raw",
          "--tls-verify=false",
          `docker://${registry.host}/okd/release-baseline:${name}`,
        ])
      ).stdout,
    ) as { config: { size: number }; layers: { size: number }[] };
    const baselineBytes =
      baselineImage.config.size + baselineImage.layers.reduce((sum, l) => sum + l.size, 0);

    const mib = (bytes: number): string =>
      bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(2)} MiB` : `${(bytes / 1024).toFixed(1)} KiB`;
    const lines = [
      `Payload: ${components} components, ${operators} operators x ${manifests} manifests, CVO base layer ${values["cvo-mib"]} MiB (incompressible); setup ${setup.seconds.toFixed(1)} s`,
      `Release: ${info.images.length} images, ${info.manifests.length} manifests, release layer ${mib(ours.value.layer.size)}, digest ${ours.value.digest}`,
      "",
      "| run | wall time | bytes uploaded |",
      "| --- | ---: | ---: |",
      `| payloadctl assembleRelease, new repository (reads ${components} configs + ${operators} top layers, mounts CVO layers) | ${ours.seconds.toFixed(2)} s | ${mib(ours.value.transfers.uploadedBytes)} |`,
      `| payloadctl assembleRelease, same release again (all blobs present) | ${again.seconds.toFixed(2)} s | ${mib(again.value.transfers.uploadedBytes)} |`,
      `| baseline skopeo + umoci (release-manifests given, not computed) | ${baseline.seconds.toFixed(2)} s | ${mib(baselineBytes)} |`,
      "",
      "Baseline steps:",
      ...Object.entries(steps).map(([label, seconds]) => `- ${label}: ${seconds.toFixed(2)} s`),
    ];
    console.log(lines.join("\n"));
  } finally {
    await registry.stop();
    await rm(work, { recursive: true, force: true });
  }
}

/** The files of the release layer, read back through release-info's reader. */
async function readReleaseLayerFiles(
  openStore: (reference: string) => ReturnType<typeof openImageStore>,
  repository: string,
  name: string,
): Promise<Map<string, Buffer>> {
  const store = openStore(`docker://${repository}`);
  const image = await resolveImage(store, name, "release");
  const files = await readTopLayerDirectory(store, image, "release-manifests", "release", 64 * 1024 * 1024);
  return new Map(
    files.filter((f) => f.type === "file").map((f) => [f.path.slice("release-manifests/".length), f.content]),
  );
}

await main();
