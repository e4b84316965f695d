/**
 * External tools the tests need (buildah, docker-registry, skopeo, the control-plane binaries, ...):
 * one place that says whether each is there and how to install it.
 *
 * A test that needs a missing tool FAILS when `process.env.CI` is set (CI installs everything, so a
 * missing tool there is a broken CI machine, never a silent pass) and is SKIPPED elsewhere, with the
 * install command in the skip note (`vitest` prints it beside the skipped test).
 *
 * ```ts
 * describeWithTools(["buildah"])("buildah builds of local sources", () => { ... });
 * itWithTools(["skopeo"])("skopeo reads it", async () => { ... });
 * ```
 */
import { accessSync, constants, existsSync } from "node:fs";
import { delimiter, join, resolve } from "node:path";
import { describe, it } from "vitest";

/** Repository root (this file is `test/support/required-tool.ts`). */
const ROOT = resolve(import.meta.dirname, "../..");

/** How a tool is found and installed. */
interface ToolSpec {
  /** An executable on PATH, or an absolute path computed at check time. */
  readonly locate: () => string | undefined;
  /** The command that installs it. */
  readonly install: string;
}

/** Finds `command` on `PATH` (an executable regular file), like `command -v`. */
export function findOnPath(command: string, path: string = process.env["PATH"] ?? ""): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (dir === "") continue;
    const candidate = join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

const apt = (command: string, pkg: string = command): ToolSpec => ({
  locate: () => findOnPath(command),
  install: `apt-get install -y ${pkg}`,
});

/** `.tools/bin/<name>` (or `$CONTROL_PLANE_BIN/<name>` for the control plane), as the tests run it. */
const built = (name: string, install: string, envDir?: string): ToolSpec => ({
  locate: () => {
    const dir = (envDir === undefined ? undefined : process.env[envDir]) ?? join(ROOT, ".tools/bin");
    const path = join(dir, name);
    return existsSync(path) ? path : undefined;
  },
  install,
});

const CONTROL_PLANE_BUILD = "npm run control-plane:build (needs Go and the Go module proxy)";
const RELEASE_TOOLS_BUILD = "npm run release-tools:build (needs Go and the Go module proxy)";
const OLM_TOOLS_BUILD = "npm run olm-tools:build (needs Go and the Go module proxy)";

/** Every external tool a test may require, with its install command. */
export const TOOLS = {
  buildah: apt("buildah"),
  "docker-registry": apt("docker-registry"),
  skopeo: apt("skopeo"),
  umoci: apt("umoci"),
  "lua5.1": apt("lua5.1"),
  promtool: apt("promtool", "prometheus"),
  chromium: apt("chromium"),
  git: apt("git"),
  openssl: apt("openssl"),
  htpasswd: apt("htpasswd", "apache2-utils"),
  // Debian's kubernetes-client is kubectl 1.20, too old for the tests (kustomize v5, server-side apply).
  kubectl: {
    locate: () => findOnPath("kubectl"),
    install:
      "apt-get install -y kubectl from the Kubernetes (pkgs.k8s.io) or Google Cloud SDK apt repository (kubectl 1.27 or later; Debian's kubernetes-client is 1.20)",
  },
  etcd: built("etcd", CONTROL_PLANE_BUILD, "CONTROL_PLANE_BIN"),
  "kube-apiserver": built("kube-apiserver", CONTROL_PLANE_BUILD, "CONTROL_PLANE_BIN"),
  "kube-controller-manager": built("kube-controller-manager", CONTROL_PLANE_BUILD, "CONTROL_PLANE_BIN"),
  oc: built("oc", RELEASE_TOOLS_BUILD),
  "cvo-load": built("cvo-load", RELEASE_TOOLS_BUILD),
  "olm-validate": built("olm-validate", OLM_TOOLS_BUILD),
  opm: built("opm", OLM_TOOLS_BUILD),
} satisfies Record<string, ToolSpec>;

/** A tool name {@link TOOLS} knows. */
export type ToolName = keyof typeof TOOLS;

/** The control plane's three binaries (etcd, kube-apiserver, kube-controller-manager). */
export const CONTROL_PLANE_TOOLS: readonly ToolName[] = ["etcd", "kube-apiserver", "kube-controller-manager"];

/** Where `tool` is, or undefined when it is not installed/built. */
export function locateTool(tool: ToolName): string | undefined {
  return TOOLS[tool].locate();
}

/** The tools of `tools` that are missing (in order, without repeats). */
export function missingTools(tools: readonly ToolName[]): ToolName[] {
  return [...new Set(tools)].filter((tool) => locateTool(tool) === undefined);
}

/** True when every one of `tools` is there. */
export function hasTools(tools: readonly ToolName[]): boolean {
  return missingTools(tools).length === 0;
}

/**
 * The message for missing tools, e.g. `buildah missing: apt-get install -y buildah; etcd missing: npm
 * run control-plane:build (...)` (one install command per distinct command).
 */
export function missingToolsMessage(missing: readonly ToolName[]): string {
  const byInstall = new Map<string, ToolName[]>();
  for (const tool of missing) {
    const install = TOOLS[tool].install;
    byInstall.set(install, [...(byInstall.get(install) ?? []), tool]);
  }
  return [...byInstall].map(([install, tools]) => `${tools.join(", ")} missing: ${install}`).join("; ");
}

/** True when running under CI (`CI` set to anything but empty, `0` or `false`). */
export function isCi(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env["CI"];
  return value !== undefined && value !== "" && value !== "0" && value.toLowerCase() !== "false";
}

/** A test body's context: the part of vitest's that can skip with a note. */
interface SkippableContext {
  skip(note?: string): never;
}

/**
 * Call at the start of a test (or in `beforeEach`): returns when `tools` are all there; otherwise
 * throws (under CI) or skips the test with the install command as its note.
 */
export function requireTools(context: SkippableContext, tools: readonly ToolName[]): void {
  const missing = missingTools(tools);
  if (missing.length === 0) return;
  const message = missingToolsMessage(missing);
  if (isCi()) throw new Error(`required tool ${message} (CI is set, so this fails rather than skips)`);
  context.skip(message);
}

/** The placeholder that stands for a suite or test whose tools are missing: fails under CI, else skips with the note. */
function missingToolsTest(title: string, missing: readonly ToolName[]): void {
  const message = missingToolsMessage(missing);
  it(`${title} [needs ${missing.join(", ")}]`, (context) => {
    if (isCi()) throw new Error(`required tool ${message} (CI is set, so this fails rather than skips)`);
    context.skip(message);
  });
}

/** The `describe` to use for a suite that needs `tools`; see the module documentation. */
export function describeWithTools(tools: readonly ToolName[]): (title: string, body: () => void) => void {
  const missing = missingTools(tools);
  if (missing.length === 0) return (title, body) => describe(title, body);
  return (title) => describe(title, () => missingToolsTest("its tools are installed", missing));
}

/** The `it` to use for a test that needs `tools`; see the module documentation. */
export function itWithTools(
  tools: readonly ToolName[],
): (title: string, body: () => Promise<void> | void, timeout?: number) => void {
  const missing = missingTools(tools);
  if (missing.length === 0) return (title, body, timeout) => it(title, body, timeout);
  return (title) => missingToolsTest(title, missing);
}
