/**
 * `payloadctl plan --explain-rebuilds` end to end on this machine: component sources in local git
 * repositories served over smart HTTP (git http-backend), an external base image in a real
 * registry (docker-registry), earlier builds recorded as the operator records them (image with the
 * key labels under `<component>`, then the `<component>-<key>` tag). Nothing changed: nothing to
 * build; a commit in a leaf: that leaf; a commit in base: base and everything built on it; a moved
 * external tag: its users.
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import { readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { backendForComponent, createBuildBackends } from "../../../src/builds/build-backends.js";
import { loadValidPayload } from "../../../src/cli/load-payload.js";
import { GitRefResolver } from "../../../src/git/ls-remote.js";
import { resolveComponentKeys } from "../../../src/payload-build/resolve-component-keys.js";
import { planCommand } from "../../../src/cli/plan-command.js";
import { ImageStores, type ImageStore } from "../../../src/registry/image-store.js";
import { componentKeyLabels, recordComponentBuild } from "../../../src/payload-build/build-records.js";
import { canonicalJson } from "../../../src/payload-build/input-identity.js";
import type { RebuildExplanation } from "../../../src/cli/explain-rebuilds.js";
import {
  hasDockerRegistry,
  startDockerRegistry,
  type RunningDockerRegistry,
} from "../../support/docker-registry.js";
import {
  hasGitHttpBackend,
  startGitHttpServer,
  type RunningGitHttpServer,
} from "../../support/git-http-server.js";
import { GitRepos } from "../../support/git-repos.js";
import { makeImage, pushImage } from "../../support/test-images.js";

const available = (await hasDockerRegistry()) && (await hasGitHttpBackend());
if (!available && process.env["CI"] !== undefined)
  throw new Error("needs docker-registry and git: apt-get install docker-registry git");

/** The real payloadctl through tsx, asynchronously (the git server runs in this process). */
function runPayloadctl(
  command: string,
  args: string[],
  cwd: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(command, args, { cwd, encoding: "utf8" }, (error, stdout, stderr) => {
      done({ code: error === null ? 0 : typeof error.code === "number" ? error.code : 1, stdout, stderr });
    });
  });
}

const COMPONENTS = ["base", "builder", "api", "cli", "installer", "console"];

describe.skipIf(!available)(
  "plan --explain-rebuilds (apt-get install docker-registry git)",
  { timeout: 60_000 },
  () => {
    let registry: RunningDockerRegistry;
    let git: RunningGitHttpServer;
    let repos: GitRepos;
    let stores: ImageStores;
    let release: ImageStore;
    let file: string;
    let records: string;
    let externalBase: string;

    beforeAll(async () => {
      registry = await startDockerRegistry();
      repos = await GitRepos.create();
      for (const name of COMPONENTS) await repos.createRepository(name);
      await repos.tag("console", "v1.0", true);
      git = await startGitHttpServer({ root: repos.root });
      stores = new ImageStores({ insecureRegistries: [registry.host] });
      records = `docker://${registry.host}/okd-build/release`;
      release = stores.open(records);
      externalBase = `${registry.host}/centos/centos:stream9`;
      await pushImage(stores.open(`docker://${externalBase}`), makeImage("docker", [32]), "stream9");
      const dir = await mkdtemp(join(tmpdir(), "explain-rebuilds-"));
      file = join(dir, "payload.yaml");
      const source = (name: string, ref?: string) => ({
        git: { uri: `${git.url}/${name}.git`, ...(ref === undefined ? {} : { ref }) },
      });
      await writeFile(
        file,
        stringify({
          apiVersion: "payload.okd.io/v1alpha1",
          kind: "PayloadBuild",
          metadata: { name: "nightly", namespace: "okd-build" },
          spec: {
            imageStream: "release",
            components: [
              { name: "base", source: source("base", "main"), from: externalBase, skipDefaults: true },
              { name: "builder", source: source("builder"), from: "base", skipDefaults: true },
              { name: "api", source: source("api"), from: "base" },
              { name: "cli", source: source("cli"), from: "base" },
              { name: "installer", source: source("installer"), from: "cli" },
              { name: "console", source: source("console", "v1.0"), from: "quay-mirror" },
              {
                name: "quay-mirror",
                image: `${registry.host}/centos/centos@${(await stores.open(`docker://${externalBase}`).getManifest("stream9")).digest}`,
              },
            ],
            defaults: { inputs: [{ from: "builder", as: ["registry.ci.openshift.org/ocp/builder:golang"] }] },
          },
        }),
      );
    });
    afterAll(async () => {
      await registry?.stop();
      await git?.stop();
      await repos?.remove();
    });

    async function explain(): Promise<RebuildExplanation> {
      let out = "";
      const io = {
        stdout: { write: (t: string) => (out += t) },
        stderr: { write: () => true },
        readStdin: () => Promise.resolve(""),
        setExitCode: () => undefined,
      };
      await planCommand(io).parseAsync(
        [
          "-f",
          file,
          "--explain-rebuilds",
          "--records",
          records,
          "--insecure-registry",
          registry.host,
          "-o",
          "json",
        ],
        { from: "user" },
      );
      return JSON.parse(out) as RebuildExplanation;
    }

    /** Records a build of every component as the operator does after a successful build. */
    async function recordAll(e: RebuildExplanation, by: string): Promise<void> {
      for (const d of e.decisions) {
        if (d.action !== "Build") continue;
        const document = canonicalJson(explainDocument(d.component) ?? {});
        const digest = await pushImage(
          release,
          makeImage("oci", [48], componentKeyLabels(d.key, document, by)),
          d.component,
        );
        expect(await recordComponentBuild(release, d.component, d.key, digest)).toBe("recorded");
      }
    }
    // The documents come from the same computation the plan uses.
    let documents = new Map<string, unknown>();
    const explainDocument = (component: string): unknown => documents.get(component);
    async function explainWithDocuments(): Promise<RebuildExplanation> {
      const io = {
        stdout: { write: () => true },
        stderr: { write: () => true },
        readStdin: () => Promise.resolve(""),
        setExitCode: () => undefined,
      };
      const { payloadBuild, graph } = await loadValidPayload(file, io);
      const backends = createBuildBackends();
      const spec = payloadBuild.spec;
      const keys = await resolveComponentKeys(
        spec,
        graph,
        (c) => backendForComponent(backends, spec, c).identity,
        {
          git: new GitRefResolver(),
          stores,
        },
      );
      documents = new Map([...keys.keys].map(([n, k]) => [n, k.document]));
      return explain();
    }

    function actions(e: RebuildExplanation): Record<string, string> {
      return Object.fromEntries(
        e.decisions.map((d) => [d.component, d.action === "Build" ? d.reasons.join(", ") : "Reuse"]),
      );
    }

    it("first run: every built component has no previous build; the prebuilt one is not planned", async () => {
      const e = await explainWithDocuments();
      expect(e.problems).toEqual([]);
      expect(actions(e)).toEqual(Object.fromEntries(COMPONENTS.map((c) => [c, "NoPreviousBuild"])));
      expect(Object.keys(e.commits).sort()).toEqual([...COMPONENTS].sort());
      await recordAll(e, "okd-build/night-1");
    });

    it("nothing changed: nothing to build, each reused from the run that built it", async () => {
      const e = await explain();
      expect(actions(e)).toEqual(Object.fromEntries(COMPONENTS.map((c) => [c, "Reuse"])));
      expect(e.decisions[0]).toMatchObject({
        action: "Reuse",
        reused: { payloadBuild: "okd-build/night-1" },
      });
    });

    it("one commit in a leaf rebuilds that leaf alone, as NewCommit", async () => {
      await repos.commit("installer", { "main.go": "package main\n" });
      const e = await explainWithDocuments();
      expect(Object.entries(actions(e)).filter(([, a]) => a !== "Reuse")).toEqual([
        ["installer", "NewCommit"],
      ]);
      await recordAll(e, "okd-build/night-2");
    });

    it("one commit in base rebuilds everything built on it, each saying which input changed", async () => {
      await repos.commit("base", { "rpms.txt": "bash\n" });
      const e = await explainWithDocuments();
      expect(actions(e)).toEqual({
        base: "NewCommit",
        builder: "InputChanged: base",
        api: "InputChanged: base, InputChanged: builder",
        cli: "InputChanged: base, InputChanged: builder",
        installer: "InputChanged: builder, InputChanged: cli",
        console: "InputChanged: builder",
      });
      await recordAll(e, "okd-build/night-3");
      expect(actions(await explain())).toEqual(Object.fromEntries(COMPONENTS.map((c) => [c, "Reuse"])));
    });

    it("a moved external tag rebuilds its users; a moved annotated git tag rebuilds its component", async () => {
      await pushImage(stores.open(`docker://${externalBase}`), makeImage("docker", [32]), "stream9");
      const moved = await explainWithDocuments();
      expect(actions(moved)["base"]).toBe(`InputChanged: ${externalBase}`);
      expect(Object.values(actions(moved)).filter((a) => a === "Reuse")).toEqual([]); // everything is built on base
      await recordAll(moved, "okd-build/night-4");
      await repos.commit("console", { "index.js": "1\n" });
      expect(actions(await explain())["console"]).toBe("Reuse"); // the tag did not move yet
      await repos.tag("console", "v1.0", true);
      const e = await explainWithDocuments();
      expect(Object.entries(actions(e)).filter(([, a]) => a !== "Reuse")).toEqual([["console", "NewCommit"]]);
    });

    it("a ref that does not exist is an error on that component (and those built on it), exit 1", async () => {
      const root = resolve(import.meta.dirname, "../../..");
      const bad = file.replace(/payload\.yaml$/, "bad.yaml");
      writeFileSync(
        bad,
        readFileSync(file, "utf8").replace("/cli.git\n", "/cli.git\n          ref: no-such-branch\n"),
      );
      const result = await runPayloadctl(
        join(root, "node_modules/.bin/tsx"),
        [
          join(root, "src/cli/payloadctl.ts"),
          "plan",
          "-f",
          bad,
          "--explain-rebuilds",
          "--records",
          records,
          "--insecure-registry",
          registry.host,
        ],
        root,
      );
      expect(result.stderr).toContain("cannot be planned");
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(
        /error: component cli: spec\.components\[3\]\.source\.git: ref no-such-branch does not exist in http:\/\/127\.0\.0\.1:\d+\/cli\.git/,
      );
      expect(result.stdout).toMatch(
        /error: component installer: .*names component cli, whose key is not computed/,
      );
      expect(result.stdout).toMatch(/nightly: \d+ of 4 components to build/);
    });
  },
);
