/**
 * `payloadctl plan --explain-rebuilds` against a cluster, then the operator on that same cluster:
 * the dev cluster or the real control plane (there with the integrated registry's access control on,
 * which the CLI passes with the kubeconfig user's token), with the operator as a real process, component sources in local git repositories
 * behind HTTP basic auth (git http-backend), their credentials in a `kubernetes.io/basic-auth`
 * Secret the CLI reads from the cluster as the operator does, records in the ImageStream's
 * repository. Each night the plan is printed first and the PayloadBuild applied after: the set the
 * plan said would be built is the set of Builds the operator created, with the same reasons
 * (NoPreviousBuild, NewCommit, InputChanged: base, SpecChanged) and the same reused components.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import type { PayloadBuildStatus } from "../../src/api/index.js";
import { BUILDS, IMAGE_STREAMS } from "../../src/builds/build-resources.js";
import { planCommand } from "../../src/cli/plan-command.js";
import type { RebuildExplanation } from "../../src/cli/explain-rebuilds.js";
import type { OperatorProcess } from "../../src/demo/operator-process.js";
import { SECRETS } from "../../src/kube/resource.js";
import { PAYLOAD_BUILDS } from "../../src/payload-build/payload-build-controller.js";
import type { RunningGitHttpServer } from "../support/git-http-server.js";
import type { GitRepos } from "../support/git-repos.js";
import { hasCondition, waitForStatus, type ControlPlaneKind, type E2eEnvironment } from "./e2e-harness.js";
import { startGitSourcesEnvironment, type GitSourcesEnvironment } from "./git-sources-environment.js";

const BUILT = ["base", "cli", "installer", "console", "docs"];
const AUTH = { username: "bot", password: "s3cret" };

/** Defines this file's tests on the control plane `plane` (needs git, for git http-backend). */
export function explainRebuildsSuite(plane: ControlPlaneKind): void {
  describe(
    "plan --explain-rebuilds against the cluster, then the operator",
    { timeout: plane === "real" ? 420_000 : 240_000 },
    () => {
      let setup: GitSourcesEnvironment | undefined;
      let env: E2eEnvironment;
      let operator: OperatorProcess;
      let git: RunningGitHttpServer;
      let repos: GitRepos;
      let work = "";
      let ns = "";
      let centos = "";
      let integratedHost = "";

      beforeAll(async () => {
        work = await mkdtemp(join(tmpdir(), "explain-rebuilds-e2e-"));
        setup = await startGitSourcesEnvironment({
          plane,
          repositories: BUILT,
          namespace: "explain",
          basicAuth: AUTH,
        });
        ({ env, operator, git, repos, ns, centos } = setup);
        await env.client.create(SECRETS, {
          apiVersion: "v1",
          kind: "Secret",
          metadata: { name: "git-creds", namespace: ns },
          type: "kubernetes.io/basic-auth",
          data: {
            username: Buffer.from(AUTH.username).toString("base64"),
            password: Buffer.from(AUTH.password).toString("base64"),
          },
        });
      }, 120_000);

      afterAll(async () => {
        await setup?.stop();
        if (work !== "") await rm(work, { recursive: true, force: true });
      });

      const source = (name: string, secret = "git-creds") => ({
        git: { uri: `${git.url}/${name}.git`, ref: "main", secret: { name: secret } },
      });

      function payloadBuild(name: string, consoleArg: string, extra: Record<string, unknown> = {}) {
        return {
          apiVersion: "payload.okd.io/v1alpha1",
          kind: "PayloadBuild",
          metadata: { name, namespace: ns },
          spec: {
            imageStream: "release",
            rebuild: "IfChanged",
            concurrency: 4,
            components: [
              { name: "base", source: source("base"), from: centos },
              { name: "cli", source: source("cli"), from: "base" },
              { name: "installer", source: source("installer"), from: "cli" },
              { name: "console", source: source("console"), from: centos, buildArgs: { A: consoleArg } },
              { name: "docs", source: source("docs"), from: centos },
            ],
            ...extra,
          },
        };
      }

      /** `payloadctl plan -f FILE --explain-rebuilds --kubeconfig ...` in this process (the git server is here too). */
      async function plan(
        pb: Record<string, unknown>,
        output: "json" | "text",
      ): Promise<{ out: string; error?: Error }> {
        const file = join(work, `${String((pb["metadata"] as { name: string }).name)}.yaml`);
        await writeFile(file, stringify(pb));
        let out = "";
        const io = {
          stdout: { write: (t: string) => (out += t) },
          stderr: { write: () => true },
          readStdin: () => Promise.resolve(""),
          setExitCode: () => undefined,
        };
        const insecure = [env.dockerRegistry.host, ...(integratedHost === "" ? [] : [integratedHost])];
        const args = ["-f", file, "--explain-rebuilds", "--kubeconfig", env.kubeconfigPath, "-o", output];
        for (const host of insecure) args.push("--insecure-registry", host);
        try {
          await planCommand(io).parseAsync(args, { from: "user" });
          return { out };
        } catch (error) {
          return { out, error: error as Error };
        }
      }

      async function explain(pb: Record<string, unknown>): Promise<RebuildExplanation> {
        const { out, error } = await plan(pb, "json");
        expect(error).toBeUndefined();
        return JSON.parse(out) as RebuildExplanation;
      }

      /** What the plan says of each component: its reasons, or where it is reused from. */
      const planned = (e: RebuildExplanation) =>
        Object.fromEntries(
          e.decisions.map((d) => [
            d.component,
            d.action === "Build" ? d.reasons[0] : `Reused from ${d.reused.payloadBuild ?? ""}`,
          ]),
        );
      /** What the operator did with each component: its rebuild reason, or where it reused it from. */
      const done = (s: PayloadBuildStatus) =>
        Object.fromEntries(
          (s.components ?? []).map((c) => [
            c.name,
            c.state === "Reused" ? `Reused from ${c.reusedFrom ?? ""}` : (c.rebuildReason ?? c.state),
          ]),
        );

      /** Applies the PayloadBuild, waits until Ready, and names the components it created Builds for. */
      async function apply(
        pb: ReturnType<typeof payloadBuild>,
      ): Promise<{ status: PayloadBuildStatus; built: string[] }> {
        await env.client.create(PAYLOAD_BUILDS, pb);
        const name = pb.metadata.name;
        const status = await waitForStatus(
          env,
          operator,
          { namespace: ns, name },
          `${name} Ready=True`,
          (s) => hasCondition(s, "Ready", "True"),
          plane === "real" ? 300_000 : 180_000,
        );
        const builds = (await env.client.list(BUILDS, { namespace: ns })).items.filter((b) =>
          b.metadata.ownerReferences?.some((o) => o.name === name),
        );
        const built = BUILT.filter((c) => builds.some((b) => b.metadata.name.startsWith(`${name}-${c}-`)));
        return { status, built };
      }

      /** The keys night 1 built, by component. */
      let night1Keys: Record<string, string> = {};

      const toBuild = (e: RebuildExplanation) =>
        e.decisions.flatMap((d) => (d.action === "Build" ? [d.component] : [])).sort();

      it("before the first night: every component NoPreviousBuild (no ImageStream yet); the operator then builds exactly those", async () => {
        const pb = payloadBuild("night-1", "1");
        const e = await explain(pb);
        expect(e.problems).toEqual([]);
        expect(e.records).toMatch(/ImageStream explain-[a-z0-9-]+\/release, which does not exist yet/);
        expect(planned(e)).toEqual(Object.fromEntries(BUILT.map((c) => [c, "NoPreviousBuild"])));
        const { status, built } = await apply(pb);
        expect(built.sort()).toEqual(toBuild(e));
        expect(done(status)).toEqual(planned(e));
        // The keys the CLI computed are the operator's.
        expect(Object.fromEntries((status.components ?? []).map((c) => [c.name, c.key]))).toEqual(
          Object.fromEntries(e.decisions.map((d) => [d.component, d.key])),
        );
        expect(status.payloadKey).toBe(e.payloadKey);
        night1Keys = Object.fromEntries((status.components ?? []).map((c) => [c.name, c.key ?? ""]));
        const stream = await env.client.get(IMAGE_STREAMS, { namespace: ns, name: "release" });
        integratedHost = (stream.status?.dockerImageRepository ?? "").split("/")[0] ?? "";
        expect(integratedHost).not.toBe("");
      });

      it("a new commit in base, a changed build arg: the plan names NewCommit, InputChanged: base, SpecChanged and the reused; the operator builds that set", async () => {
        await repos.commit("base", { "rpms.txt": "bash\n" });
        const pb = payloadBuild("night-2", "2");
        const text = await plan(pb, "text");
        expect(text.error).toBeUndefined();
        const lines = text.out.split("\n");
        expect(lines[0]).toMatch(
          /^night-2: 4 of 5 components to build, 1 reused \(records in context \S+, ImageStream explain-[a-z0-9-]+\/release: docker:\/\/\S+\/release\)$/,
        );
        const row = (component: string) => lines.find((l) => l.startsWith(`${component} `)) ?? "";
        expect(row("base")).toMatch(/^base +Build +NewCommit +sha256:/);
        expect(row("cli")).toMatch(/^cli +Build +InputChanged: base +sha256:/);
        expect(row("installer")).toMatch(/^installer +Build +InputChanged: cli +sha256:/);
        expect(row("console")).toMatch(/^console +Build +SpecChanged +sha256:/);
        // The unchanged one: reused from the run that built it.
        expect(row("docs")).toMatch(new RegExp(`^docs +Reused +from ${ns}/night-1 +sha256:`));

        const e = await explain(pb);
        // Night 1's OpenShift Builds left their keys on the ImageStream tags (IMAGESTREAM TAG NOW):
        // the unchanged component's is the same key, a changed one's is night 1's key.
        const night1 = night1Keys;
        expect(e.imageStreamTags?.["docs"]).toEqual({ key: night1["docs"] });
        expect(row("docs")).toMatch(/ same key$/);
        for (const c of ["base", "cli", "installer", "console"]) {
          expect(e.imageStreamTags?.[c], c).toEqual({ key: night1[c] });
          expect(night1[c]).not.toBe(e.decisions.find((d) => d.component === c)?.key);
          expect(row(c)).toMatch(new RegExp(` ${(night1[c] ?? "-").slice(0, 19)}$`));
        }
        const { status, built } = await apply(pb);
        expect(built.sort()).toEqual(["base", "cli", "console", "installer"]);
        expect(built.sort()).toEqual(toBuild(e));
        expect(done(status)).toEqual(planned(e));
        expect(done(status)).toMatchObject({
          base: "NewCommit",
          cli: "InputChanged: base",
          installer: "InputChanged: cli",
          console: "SpecChanged",
          docs: `Reused from ${ns}/night-1`,
        });
      });

      it("an unchanged night: nothing to build, and the operator builds nothing; spec.rebuild: Always would build all (Forced)", async () => {
        const pb = payloadBuild("night-3", "2");
        const e = await explain(pb);
        expect(toBuild(e)).toEqual([]);
        expect(planned(e)).toMatchObject({
          base: `Reused from ${ns}/night-2`,
          docs: `Reused from ${ns}/night-1`,
        });
        // The ImageStream tag of the component night-2 reused holds that key, and where it came from.
        expect(e.imageStreamTags?.["docs"]).toEqual({
          key: e.decisions.find((d) => d.component === "docs")?.key,
          reusedFrom: `${ns}/night-1`,
        });
        expect((await plan(pb, "text")).out).toMatch(/^docs +Reused +from \S+ +sha256:\S+ +same key$/m);
        const forced = await explain({ ...pb, spec: { ...pb.spec, rebuild: "Always" } });
        expect(planned(forced)).toEqual(Object.fromEntries(BUILT.map((c) => [c, "Forced"])));
        const { status, built } = await apply(pb);
        expect(built).toEqual([]);
        expect(done(status)).toEqual(planned(e));
      });

      it("names the component and field of a ref that does not exist and of refused credentials; exit 1", async () => {
        await env.client.create(SECRETS, {
          apiVersion: "v1",
          kind: "Secret",
          metadata: { name: "wrong-creds", namespace: ns },
          type: "kubernetes.io/basic-auth",
          data: {
            username: Buffer.from("bot").toString("base64"),
            password: Buffer.from("nope").toString("base64"),
          },
        });
        const pb = payloadBuild("night-4", "2");
        pb.spec.components = [
          { name: "base", source: source("base"), from: centos },
          { name: "refused", source: source("cli", "wrong-creds"), from: centos },
          {
            name: "missing",
            source: { git: { ...source("docs").git, ref: "no-such-branch" } },
            from: centos,
          },
          { name: "no-secret", source: source("console", "absent"), from: centos },
        ] as typeof pb.spec.components;
        const { out, error } = await plan(pb, "text");
        expect(error?.message).toBe("3 component(s) cannot be planned (see above)");
        expect(out).toMatch(
          /error: component missing: spec\.components\[2\]\.source\.git: ref no-such-branch does not exist in http:\/\/127\.0\.0\.1:\d+\/docs\.git/,
        );
        expect(out).toMatch(
          /error: component no-secret: spec\.components\[3\]\.source\.git\.secret: Secret explain-[a-z0-9-]+\/absent not found/,
        );
        expect(out).toMatch(
          /error: component refused: spec\.components\[1\]\.source\.git: http:\/\/127\.0\.0\.1:\d+\/cli\.git: the git server refused the credentials for bot \(HTTP 401\)/,
        );
        expect(out).toMatch(/^base +Reused +from /m);
      });
    },
  );
}
