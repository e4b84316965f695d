/**
 * The hostile and wrong input corpus: the documents in `test/fixtures/hostile-input/` with the
 * outcome each must get (`expectations.json`), plus a few generated ones too large to keep as
 * files (20,000 components, a 500-deep chain, a 500-member cycle, a 1 MiB string).
 *
 * Outcomes:
 * - `admission`: the API server's schema refuses it (dev cluster and kube-apiserver alike), naming
 *   every path in `problems`; `payloadctl validate` refuses it naming the same paths.
 * - `invalid`: admitted, then the operator sets `Ready=False` reason `InvalidSpec` listing every path
 *   in `problems`; `payloadctl validate` lists exactly those paths.
 * - `yaml`: not even a document: `payloadctl validate` refuses it at `FILE:LINE:COL` (`problems`
 *   holds the expected `LINE:` prefix).
 * - `valid`: accepted by everything.
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { z } from "zod";

/** Where the corpus files are. */
export const HOSTILE_INPUT_DIR = resolve(import.meta.dirname, "../fixtures/hostile-input");

const ExpectationSchema = z.strictObject({
  file: z.string(),
  outcome: z.enum(["admission", "invalid", "yaml", "valid"]),
  problems: z.array(z.string()),
  why: z.string(),
});

/** One corpus document and what must happen to it. */
export interface HostileCase extends z.output<typeof ExpectationSchema> {
  /** The file's text (YAML or JSON). */
  readonly text: string;
}

const API_VERSION = "payload.okd.io/v1alpha1";
const gitComponent = (name: string, from: string, extra: Record<string, unknown> = {}) => ({
  name,
  from,
  source: { git: { uri: `https://github.com/okd-project/${name}` } },
  ...extra,
});
const document = (name: string, spec: Record<string, unknown>): string =>
  JSON.stringify({ apiVersion: API_VERSION, kind: "PayloadBuild", metadata: { name }, spec });
const chain = (count: number, closed: boolean) =>
  Array.from({ length: count }, (_, i) =>
    gitComponent(
      `c-${i}`,
      i === 0 ? (closed ? `c-${count - 1}` : "quay.io/centos/centos:stream9") : `c-${i - 1}`,
    ),
  );
const many = (count: number) =>
  Array.from({ length: count }, (_, i) => ({ name: `component-${i}`, image: `quay.io/okd/c${i}:1` }));

/** The generated cases (built on demand: the largest is 1.4 MB of JSON). */
function generatedCases(): HostileCase[] {
  return [
    {
      file: "generated:components-20000",
      outcome: "admission",
      problems: ["spec.components"],
      why: "20,000 components: more than the 2,000 whose status fits in an object",
      text: document("components-20000", {
        imageStream: "release",
        backend: "prebuilt",
        components: many(20_000),
      }),
    },
    {
      file: "generated:components-2001",
      outcome: "admission",
      problems: ["spec.components"],
      why: "one component over the limit",
      text: document("components-2001", {
        imageStream: "release",
        backend: "prebuilt",
        components: many(2001),
      }),
    },
    {
      file: "generated:components-2000",
      outcome: "valid",
      problems: [],
      why: "exactly the most components allowed",
      text: document("components-2000", {
        imageStream: "release",
        backend: "prebuilt",
        components: many(2000),
      }),
    },
    {
      file: "generated:chain-500",
      outcome: "valid",
      problems: [],
      why: "a 500-deep dependency chain (no recursion limit in planning)",
      text: document("chain-500", { imageStream: "release", components: chain(500, false) }),
    },
    {
      file: "generated:cycle-500",
      outcome: "invalid",
      problems: ["spec.components[0]"],
      why: "a 500-member dependency cycle",
      text: document("cycle-500", { imageStream: "release", components: chain(500, true) }),
    },
    {
      file: "generated:huge-metadata-value",
      outcome: "admission",
      problems: ["spec.release.metadata.notes"],
      why: "huge string: a 1 MiB release metadata value",
      text: document("huge-metadata", {
        imageStream: "release",
        components: [gitComponent("cluster-version-operator", "quay.io/centos/centos:stream9")],
        release: {
          name: "4.17.0",
          to: "docker://quay.io/example/release",
          metadata: { notes: "x".repeat(1 << 20) },
        },
      }),
    },
  ];
}

/** Every case of the corpus: the files first (in `expectations.json` order), then the generated ones. */
export function hostileInputCorpus(): HostileCase[] {
  const expectations = z
    .array(ExpectationSchema)
    .parse(JSON.parse(readFileSync(join(HOSTILE_INPUT_DIR, "expectations.json"), "utf8")));
  const files = expectations.map((e) => ({
    ...e,
    text: readFileSync(join(HOSTILE_INPUT_DIR, e.file), "utf8"),
  }));
  return [...files, ...generatedCases()];
}
