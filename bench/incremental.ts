/**
 * Incremental nightly benchmark: a synthetic OKD-shaped payload of N components (default 200,
 * `bench/support/synthetic-okd-payload.ts`), each component's source in its own local git
 * repository served over smart HTTP (git http-backend behind test/support/git-http-server.ts), its
 * external images in a local docker-registry, earlier builds recorded there as the operator
 * records them (image with the key labels, `<component>-<key>` tag). Each night, k components get
 * a new commit (k = 0, 1, 5, 50, chosen with a fixed seed); the planner (`observeKeyedInputs` then
 * `decideKeyedPlan`, what `payloadctl plan --explain-rebuilds` and the operator's plan both run)
 * resolves every ref and tag, computes every key, reads the records and decides. Printed per night: components built (the
 * changed ones and everything built on them), the real planning wall time, and the build wall time
 * of the night simulated with the operator's scheduler at spec.concurrency (seeded log-normal
 * build durations, median 600 s, as bench/simulate.ts; a reused component takes no time), against
 * a full rebuild of every component.
 *
 * Run: `npx tsx bench/incremental.ts [--components 200] [--seed 1]` (needs git and docker-registry).
 */
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { parsePayloadBuild } from "../src/api/index.js";
import { backendForComponent, createBuildBackends } from "../src/builds/build-backends.js";
import { loadSimulationProfile } from "../src/devcluster/builds/index.js";
import { GitRefResolver } from "../src/git/ls-remote.js";
import { ImageStores } from "../src/registry/image-store.js";
import { componentKeyLabels, recordComponentBuild } from "../src/payload-build/build-records.js";
import { externalImagesOf } from "../src/payload-build/component-key.js";
import { canonicalJson } from "../src/payload-build/input-identity.js";
import { decideKeyedPlan } from "../src/payload-build/decide-keyed-plan.js";
import { observeKeyedInputs } from "../src/payload-build/observe-keyed-inputs.js";
import { componentsToBuild } from "../src/payload-build/rebuild-plan.js";
import { resolveComponents } from "../src/payload-build/resolve-component.js";
import { seededDurations, simulateBuild, validatePayloadSpec } from "../src/payload-build/index.js";
import { startDockerRegistry } from "../test/support/docker-registry.js";
import { startGitHttpServer } from "../test/support/git-http-server.js";
import { GitRepos } from "../test/support/git-repos.js";
import { makeImage, pushImage } from "../test/support/test-images.js";
import { syntheticOkdPayload } from "./support/synthetic-okd-payload.js";

const ROOT = resolve(import.meta.dirname, "..");
const { values } = parseArgs({
  options: { components: { type: "string", default: "200" }, seed: { type: "string", default: "1" } },
});
const N = Number(values.components);
const SEED = Number(values.seed);
const CHANGES = [0, 1, 5, 50];

function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

const registry = await startDockerRegistry();
const repos = await GitRepos.create();
const git = await startGitHttpServer({ root: repos.root });
try {
  const stores = new ImageStores({ insecureRegistries: [registry.host] });
  const baseProfile = await loadSimulationProfile(join(ROOT, "config/samples/simulation.yaml"));
  const synthetic = syntheticOkdPayload({
    components: N,
    namespace: "bench",
    concurrency: 8,
    releaseTo: `docker://${registry.host}/bench/release`,
    durationMs: 1000,
    baseProfile,
  });
  const parsedFirst = parsePayloadBuild(synthetic.payloadBuild);
  if (!parsedFirst.ok)
    throw new Error(`synthetic payload invalid: ${JSON.stringify(parsedFirst.problems[0])}`);
  // Every external image into the local registry; every git source into a local repository.
  let text = JSON.stringify(synthetic.payloadBuild);
  const externals = externalImagesOf(resolveComponents(parsedFirst.value.spec));
  for (const [i, pullspec] of externals.entries()) {
    const local = `${registry.host}/external/image-${i}:latest`;
    const digest = await pushImage(stores.open(`docker://${local}`), makeImage("docker", [32]), "latest");
    text = text
      .split(JSON.stringify(pullspec))
      .join(
        JSON.stringify(pullspec.includes("@") ? `${registry.host}/external/image-${i}@${digest}` : local),
      );
  }
  const document = JSON.parse(text) as typeof synthetic.payloadBuild;
  for (const c of document.spec.components) {
    if (c.image !== undefined) continue;
    await repos.createRepository(c.name);
    c.source = { ...c.source, git: { uri: `${git.url}/${c.name}.git`, ref: "main" } };
  }
  const parsed = parsePayloadBuild(document);
  if (!parsed.ok) throw new Error(`rewritten payload invalid: ${JSON.stringify(parsed.problems[0])}`);
  const spec = parsed.value.spec;
  const { graph } = validatePayloadSpec(spec);
  const built = resolveComponents(spec)
    .filter((c) => !c.prebuilt)
    .map((c) => c.name);
  const prebuilt = new Set(
    resolveComponents(spec)
      .filter((c) => c.prebuilt)
      .map((c) => c.name),
  );
  const durations = seededDurations(graph, SEED, prebuilt);
  const backends = createBuildBackends();
  const records = stores.open(`docker://${registry.host}/bench/release`);

  const night = async (by: string) => {
    const started = performance.now();
    const components = resolveComponents(spec);
    const resolved = await observeKeyedInputs(spec, graph, components, {
      backendIdentity: (c) => backendForComponent(backends, spec, c).identity,
      git: new GitRefResolver(),
      stores,
      secrets: new Map(),
      repository: `docker://${registry.host}/bench/release`,
    });
    if (resolved.problems.length > 0) throw new Error(resolved.problems[0]?.message);
    const plan = decideKeyedPlan(spec, components, resolved, { uid: "", generation: 0, builtBy: by });
    const decisions = [...plan.components.values()].flatMap((c) => c.decision ?? []);
    const planMs = performance.now() - started;
    const toBuild = componentsToBuild(decisions);
    // What the operator does after each successful build: the image carries its key labels, then the tag.
    for (const d of decisions) {
      if (d.action !== "Build") continue;
      const labels = componentKeyLabels(
        d.key,
        canonicalJson(resolved.keys.get(d.component)?.document ?? {}),
        by,
      );
      const digest = await pushImage(records, makeImage("oci", [16], labels), d.component);
      await recordComponentBuild(records, d.component, d.key, digest);
    }
    const rebuilt = new Set(toBuild);
    const sim = simulateBuild({
      graph,
      durations: new Map(
        graph.names.map((n) => [n, rebuilt.has(n) || prebuilt.has(n) ? (durations.get(n) ?? 0) : 0]),
      ),
      concurrency: spec.concurrency,
    });
    return { builds: toBuild.length, planMs, buildSeconds: sim.makespanSeconds };
  };

  const full = await night("bench/night-0");
  const rows: string[][] = [
    ["nightly", "changed", "builds", "planning (real)", "build time (simulated, concurrency 8)"],
    [
      "full rebuild",
      "-",
      String(full.builds),
      `${(full.planMs / 1000).toFixed(2)} s`,
      `${(full.buildSeconds / 60).toFixed(1)} min`,
    ],
  ];
  const random = lcg(SEED);
  for (const [i, k] of CHANGES.entries()) {
    const pool = [...built];
    const changed: string[] = [];
    for (let j = 0; j < k && pool.length > 0; j++)
      changed.push(...pool.splice(Math.floor(random() * pool.length), 1));
    for (const name of changed) await repos.commit(name, { CHANGE: `night ${i + 1}\n` });
    const result = await night(`bench/night-${i + 1}`);
    rows.push([
      `k = ${k}`,
      String(k),
      String(result.builds),
      `${(result.planMs / 1000).toFixed(2)} s`,
      `${(result.buildSeconds / 60).toFixed(1)} min`,
    ]);
  }
  console.log(
    `N = ${graph.names.length} components (${built.length} built from git, ${prebuilt.size} prebuilt), seed ${SEED}`,
  );
  console.log(`| ${rows[0]?.join(" | ")} |`);
  console.log(`| ${rows[0]?.map(() => "---").join(" | ")} |`);
  for (const r of rows.slice(1)) console.log(`| ${r.join(" | ")} |`);
} finally {
  await git.stop();
  await registry.stop();
  await repos.remove();
}
