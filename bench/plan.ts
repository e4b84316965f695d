/**
 * Planner benchmark: parse (zod) + validate (references, pullspecs, cycles) + plan (levels,
 * critical path, lower bound) + one scheduler call, for synthetic payloads of 1k, 10k and 50k
 * components. Prints time per component to show the growth is about linear.
 *
 * The synthetic payload looks like the real one: 4 infrastructure components (forked-dockerfiles,
 * builder, base, cli), spec.defaults injecting builder and cli into every other component, every
 * component built `from: base` or from one of the 8 components before it (a local chain), one in
 * ten with an extra input and one in twenty with an external pullspec input.
 *
 * Times are CPU time (user + system) of this process, best of `--repeat` runs, so that other work on
 * a shared machine disturbs them less; the garbage collector's time is included.
 *
 * Run: `npx tsx bench/plan.ts [--sizes 1000,10000,50000] [--repeat 5] [--concurrency 16]`
 */
import { parseArgs } from "node:util";
import { z } from "zod";
import {
  ComponentSpecSchema,
  PayloadBuildSchema,
  PayloadBuildSpecSchema,
  parseWith,
  type PayloadBuildInput,
} from "../src/api/index.js";
import { planPayload, selectComponentsToStart, validatePayloadSpec } from "../src/payload-build/index.js";

/**
 * The PayloadBuild schema without its 2,000-component admission limit (MAX_COMPONENTS), so the
 * planner is measured on graphs larger than one PayloadBuild may hold; per component it parses
 * exactly as the real schema does.
 */
const UnboundedPayloadBuildSchema = PayloadBuildSchema.extend({
  spec: PayloadBuildSpecSchema.extend({ components: z.array(ComponentSpecSchema).min(1) }),
});

const { values } = parseArgs({
  options: {
    sizes: { type: "string", default: "1000,10000,50000" },
    repeat: { type: "string", default: "5" },
    concurrency: { type: "string", default: "16" },
  },
});
const sizes = (values.sizes ?? "").split(",").map(Number);
const repeat = Number(values.repeat);
const concurrency = Number(values.concurrency);

/** Deterministic pseudo-random numbers (LCG) so every run benchmarks the same payloads. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

export function syntheticPayload(n: number): PayloadBuildInput {
  const random = lcg(n);
  const git = (name: string) => ({
    git: { uri: `https://github.com/openshift/${name}`, ref: "release-4.17" },
  });
  const components: PayloadBuildInput["spec"]["components"] = [
    {
      name: "forked-dockerfiles",
      source: { ...git("okd-payload-pipeline"), contextDir: "forks" },
      skipDefaults: true,
    },
    { name: "builder", source: git("images"), from: "quay.io/centos/centos:stream9", skipDefaults: true },
    { name: "base", source: git("images"), from: "quay.io/centos/centos:stream9", skipDefaults: true },
    { name: "cli", source: git("oc"), from: "base", skipDefaultInputs: ["cli"] },
  ];
  for (let i = 4; i < n; i++) {
    const name = `component-${i}`;
    const earlier = i - 1 - Math.floor(random() * Math.min(8, i - 4));
    const from = i > 4 && random() < 0.3 ? (components[earlier]?.name ?? "base") : "base";
    const inputs: NonNullable<PayloadBuildInput["spec"]["components"][number]["inputs"]> = [];
    if (i > 4 && random() < 0.1)
      inputs.push({
        from: components[4 + Math.floor(random() * (i - 4))]?.name ?? "cli",
        as: [`registry.ci.openshift.org/ocp/4.17:${name}-dep`],
      });
    if (random() < 0.05)
      inputs.push({
        from: `quay.io/okd/scos-content:${name}`,
        as: [`registry.ci.openshift.org/ocp/4.17:${name}`],
      });
    components.push({ name, source: git(name), from, ...(inputs.length > 0 ? { inputs } : {}) });
  }
  return {
    apiVersion: "payload.okd.io/v1alpha1",
    kind: "PayloadBuild",
    metadata: { name: `synthetic-${n}` },
    spec: {
      imageStream: "release",
      defaults: {
        inputs: [
          {
            from: "builder",
            as: ["registry.ci.openshift.org/ocp/builder:rhel-9-golang-1.22-openshift-4.17"],
          },
          { from: "cli", as: ["registry.ci.openshift.org/ocp/4.17:cli"] },
        ],
      },
      components,
    },
  };
}

/** CPU time (user + system) of `fn` in ms: steadier than wall time on a shared, loaded machine. */
function time<T>(fn: () => T): [T, number] {
  const start = process.cpuUsage();
  const value = fn();
  const used = process.cpuUsage(start);
  return [value, (used.user + used.system) / 1000];
}

const best = (xs: number[]): number => Math.min(...xs);

console.log(
  `Planner benchmark: Node ${process.version}, concurrency ${concurrency}, CPU ms, best of ${repeat} runs`,
);
console.log("");
console.log(
  "| components | edges | parse ms | validate ms | plan ms | schedule ms | total ms | µs / component |",
);
console.log("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
for (const n of sizes) {
  const input = syntheticPayload(n);
  const runs: number[][] = [];
  let edges = 0;
  let exact = true;
  for (let r = 0; r < repeat; r++) {
    const [parsed, parseMs] = time(() => parseWith(UnboundedPayloadBuildSchema, input));
    if (!parsed.ok) throw new Error(`synthetic payload is invalid: ${parsed.problems[0]?.message ?? ""}`);
    const [validation, validateMs] = time(() => validatePayloadSpec(parsed.value.spec));
    if (validation.problems.length > 0)
      throw new Error(`synthetic payload: ${validation.problems[0]?.message ?? ""}`);
    const [plan, planMs] = time(() => planPayload(validation.graph, concurrency));
    const [, scheduleMs] = time(() =>
      selectComponentsToStart({
        graph: validation.graph,
        landed: new Set(["forked-dockerfiles", "builder", "base", "cli"]),
        building: new Set(),
        freeSlots: concurrency,
      }),
    );
    edges = validation.graph.dependencies.reduce((sum, deps) => sum + deps.length, 0);
    exact = plan.lowerBound.exact;
    runs.push([parseMs, validateMs, planMs, scheduleMs]);
  }
  const [parseMs = 0, validateMs = 0, planMs = 0, scheduleMs = 0] = [0, 1, 2, 3].map((k) =>
    best(runs.map((run) => run[k] ?? 0)),
  );
  const totalMs = parseMs + validateMs + planMs + scheduleMs;
  console.log(
    `| ${n} | ${edges} | ${parseMs.toFixed(1)} | ${validateMs.toFixed(1)} | ${planMs.toFixed(1)} | ${scheduleMs.toFixed(1)} | ${totalMs.toFixed(1)} | ${((totalMs * 1000) / n).toFixed(1)} |`,
  );
  if (!exact) console.log(`  (n=${n}: lower bound evaluation hit its budget; bound still valid)`);
}
