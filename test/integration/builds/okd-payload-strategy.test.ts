/**
 * The step script of our Shipwright strategy (`deploy/shipwright/okd-payload-buildah.yaml`), run by
 * bash the way Tekton runs it (parameters substituted, arrays spread into arguments) with a stub
 * `buildah` that records what it is asked: it must give a Dockerfile build OpenShift's Docker
 * strategy semantics.
 */
import { execFile } from "node:child_process";
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../../e2e/e2e-harness.js";

const run = promisify(execFile);

interface Step {
  readonly name: string;
  readonly args: readonly string[];
}
interface Strategy {
  readonly metadata: { readonly name: string };
  readonly spec: {
    readonly steps: readonly Step[];
    readonly parameters: readonly { readonly name: string; readonly type?: string }[];
  };
}

const STUB = `#!/bin/bash
set -euo pipefail
[[ "$1" == --storage-driver=* ]] && shift
cmd="$1"; shift
case "$cmd" in
  from) echo "$1" >> "$OUT/pulled"; echo "ctr-$(wc -l < "$OUT/pulled")" ;;
  mount) echo "$IMAGES/$(sed -n "\${1#ctr-}p" "$OUT/pulled" | tr '/:@' '___')" ;;
  umount|rm) ;;
  bud) printf '%s\\n' "$@" > "$OUT/bud-args"
       while [ $# -gt 0 ]; do case "$1" in --file=*) cp "\${1#--file=}" "$OUT/Dockerfile.built" ;; esac; shift; done
       pwd > "$OUT/bud-dir" ;;
  push) for a in "$@"; do case "$a" in --digestfile=*) echo -n sha256:feed > "\${a#--digestfile=}" ;; esac; done
        printf '%s\\n' "$@" > "$OUT/push-args" ;;
  *) echo "unexpected buildah $cmd" >&2; exit 2 ;;
esac
`;

const BUILDER = "registry.ci.openshift.org/ocp/builder:rhel-9-golang-1.22-openshift-4.17";
const DOCKERFILE = `FROM ${BUILDER} AS builder
WORKDIR /go/src/github.com/openshift/oc
COPY . .
RUN make build
FROM registry.ci.openshift.org/ocp/4.17:base-rhel9
COPY --from=builder /go/bin/oc /usr/bin/oc
COPY --from=${BUILDER} /etc/os-release /tmp/builder-os-release
`;

let work: string;
let strategy: Strategy;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "okd-strategy-"));
  strategy = parse(
    await readFile(join(ROOT, "deploy/shipwright/okd-payload-buildah.yaml"), "utf8"),
  ) as Strategy;
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** The step's arguments with `$(params.x)` / `$(params.x[*])` / `$(results.x.path)` substituted. */
function substitute(
  step: Step,
  params: Record<string, string | readonly string[]>,
  results: string,
): string[] {
  return step.args.flatMap((arg) => {
    const spread = /^\$\(params\.([a-z-]+)\[\*\]\)$/.exec(arg);
    if (spread !== null) {
      const value = params[spread[1] ?? ""];
      return Array.isArray(value) ? [...(value as readonly string[])] : [];
    }
    return [
      arg
        .replace(/\$\(params\.([a-z-]+)\)/g, (_, name: string) => String(params[name] ?? ""))
        .replace(/\$\(results\.([a-z-]+)\.path\)/g, (_, name: string) => join(results, name)),
    ];
  });
}

describe("the okd-payload-buildah ClusterBuildStrategy", () => {
  it("declares every parameter the operator's shipwright backend sends", () => {
    expect(strategy.metadata.name).toBe("okd-payload-buildah");
    expect(strategy.spec.parameters.map((p) => p.name)).toEqual(
      expect.arrayContaining([
        "dockerfile",
        "build-args",
        "from",
        "inputs",
        "input-as",
        "input-paths",
        "env",
      ]),
    );
    expect(strategy.spec.steps.map((s) => s.name)).toEqual(["build-and-push"]);
  });

  it("copies input paths into the repository root, rewrites FROM/COPY --from as OpenShift does, adds ENV after every FROM, builds and pushes", async () => {
    const source = join(work, "source");
    const out = join(work, "out");
    const results = join(work, "results");
    const images = join(work, "images");
    const bin = join(work, "bin");
    for (const dir of [join(source, "images/cli"), out, results, bin]) await mkdir(dir, { recursive: true });
    const artifacts = "registry.example:5000/okd/release@sha256:aaaa";
    const artifactsDir = join(images, artifacts.replace(/[/:@]/g, "_"), "code/artifacts");
    await mkdir(artifactsDir, { recursive: true });
    await writeFile(join(artifactsDir, "Dockerfile.cli"), DOCKERFILE);
    await writeFile(join(bin, "buildah"), STUB);
    await chmod(join(bin, "buildah"), 0o755);
    const builderImage = "registry.example:5000/okd/release@sha256:bbbb";
    const base = "registry.example:5000/okd/release@sha256:cccc";
    const step = strategy.spec.steps[0];
    if (step === undefined) throw new Error("no step");
    const args = substitute(
      step,
      {
        "shp-source-context": "images/cli",
        "shp-output-image": "registry.example:5000/okd/release:cli",
        dockerfile: "Dockerfile.cli",
        from: base,
        "storage-driver": "vfs",
        "build-args": ["PKG_NAME=openshift-clients", "TAGS=scos"],
        inputs: [artifacts, builderImage],
        "input-as": [`${BUILDER}=${builderImage}`],
        "input-paths": [`${artifacts}|/code/artifacts/.|images/cli`],
        env: ["SKIP_RPM_BUILD=yes", 'QUOTED=a "b"'],
        "registries-insecure": ["registry.example:5000"],
      },
      results,
    );
    const [flag, script, ...rest] = args;
    expect(flag).toBe("-c");
    await run("bash", ["-c", script ?? "", ...rest], {
      cwd: source,
      env: { ...process.env, PATH: `${bin}:${process.env["PATH"] ?? ""}`, OUT: out, IMAGES: images },
    });
    // The Dockerfile the input copied landed in the context dir (destinationDir from the repository root).
    expect(await readFile(join(source, "images/cli/Dockerfile.cli"), "utf8")).toBe(DOCKERFILE);
    expect(await readFile(join(out, "Dockerfile.built"), "utf8")).toBe(
      [
        `FROM ${builderImage} AS builder`,
        'ENV SKIP_RPM_BUILD="yes"',
        'ENV QUOTED="a \\"b\\""',
        "WORKDIR /go/src/github.com/openshift/oc",
        "COPY . .",
        "RUN make build",
        `FROM ${base}`,
        'ENV SKIP_RPM_BUILD="yes"',
        'ENV QUOTED="a \\"b\\""',
        "COPY --from=builder /go/bin/oc /usr/bin/oc",
        `COPY --from=${builderImage} /etc/os-release /tmp/builder-os-release`,
        "",
      ].join("\n"),
    );
    const budArgs = (await readFile(join(out, "bud-args"), "utf8")).trim().split("\n");
    expect(budArgs).toEqual(
      expect.arrayContaining([
        "--build-arg",
        "PKG_NAME=openshift-clients",
        "TAGS=scos",
        "--tag=registry.example:5000/okd/release:cli",
      ]),
    );
    expect((await readFile(join(out, "bud-dir"), "utf8")).trim()).toBe(join(source, "images/cli"));
    expect(await readFile(join(results, "shp-image-digest"), "utf8")).toBe("sha256:feed");
    expect(await readFile("/tmp/registries.conf", "utf8")).toContain('location = "registry.example:5000"');
  });
});
