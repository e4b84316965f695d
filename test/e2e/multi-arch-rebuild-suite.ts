/**
 * `spec.rebuild` with `spec.architectures`, the operator as a real process on the dev cluster or the
 * real control plane (there with the integrated registry's access control on):
 * component keys hold the target architectures, a component is built once per architecture and
 * recorded as its image index, so an unchanged second night reuses every component (no Build, the
 * same release digest), one commit rebuilds every architecture of that component (and of what is
 * built on it) and nothing else, and `spec.rebuild: Always` builds them all again.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PayloadBuildStatus } from "../../src/api/index.js";
import { BUILDS, IMAGE_STREAMS } from "../../src/builds/build-resources.js";
import type { OperatorProcess } from "../../src/demo/operator-process.js";
import { PAYLOAD_BUILDS } from "../../src/payload-build/payload-build-controller.js";
import type { RunningGitHttpServer } from "../support/git-http-server.js";
import type { GitRepos } from "../support/git-repos.js";
import { hasCondition, waitForStatus, type ControlPlaneKind, type E2eEnvironment } from "./e2e-harness.js";
import { startGitSourcesEnvironment, type GitSourcesEnvironment } from "./git-sources-environment.js";

const COMPONENTS = ["base", "cluster-version-operator", "console"];
const ARCHITECTURES = ["amd64", "arm64"];
const RELEASE = "4.17.0-0.okd-multi-incremental-2026-12-05-000000";

/** Defines this file's tests on the control plane `plane` (needs git, for git http-backend). */
export function multiArchRebuildSuite(plane: ControlPlaneKind): void {
  describe(
    "spec.rebuild with spec.architectures [amd64, arm64]",
    { timeout: plane === "real" ? 420_000 : 240_000 },
    () => {
      let setup: GitSourcesEnvironment | undefined;
      let env: E2eEnvironment;
      let operator: OperatorProcess;
      let git: RunningGitHttpServer;
      let repos: GitRepos;
      let ns = "";
      let centos = "";
      let night = 0;

      beforeAll(async () => {
        setup = await startGitSourcesEnvironment({
          plane,
          repositories: COMPONENTS,
          namespace: "multi-rebuild",
          profile: { components: { "cluster-version-operator": { operator: true } } },
          architectures: ARCHITECTURES,
        });
        ({ env, operator, git, repos, ns, centos } = setup);
      }, 120_000);

      afterAll(async () => {
        await setup?.stop();
      });

      const source = (name: string) => ({ git: { uri: `${git.url}/${name}.git`, ref: "main" } });

      /** Applies the next night (same spec), waits until Ready, and lists the Builds it created. */
      async function nightly(
        rebuild: "IfChanged" | "Always" = "IfChanged",
      ): Promise<{ name: string; status: PayloadBuildStatus; builds: string[] }> {
        night += 1;
        const name = `night-${night}`;
        await env.client.create(PAYLOAD_BUILDS, {
          apiVersion: "payload.okd.io/v1alpha1",
          kind: "PayloadBuild",
          metadata: { name, namespace: ns },
          spec: {
            imageStream: "release",
            rebuild,
            architectures: ARCHITECTURES,
            concurrency: 6,
            components: [
              { name: "base", source: source("base"), from: centos },
              { name: "cluster-version-operator", source: source("cluster-version-operator"), from: "base" },
              { name: "console", source: source("console"), from: centos },
            ],
            release: { name: RELEASE, to: `docker://${env.dockerRegistry.host}/${ns}/release` },
          },
        });
        const status = await waitForStatus(
          env,
          operator,
          { namespace: ns, name },
          `${name} Ready=True`,
          (s) => hasCondition(s, "Ready", "True") || s.phase === "Failed" || s.phase === "Invalid",
          90_000,
        );
        expect(status.phase, JSON.stringify(status.components, null, 1)).toBe("Succeeded");
        const builds = (await env.client.list(BUILDS, { namespace: ns })).items
          .filter((b) => b.metadata.ownerReferences?.some((o) => o.name === name))
          .map((b) => b.metadata.name.slice(name.length + 1).replace(/-\d+$/, ""))
          .sort();
        return { name, status, builds };
      }

      const states = (s: PayloadBuildStatus) =>
        Object.fromEntries(
          (s.components ?? [])
            .filter((c) => COMPONENTS.includes(c.name))
            .map((c) => [
              c.name,
              c.state === "Reused" ? `Reused from ${c.reusedFrom ?? ""}` : (c.rebuildReason ?? c.state),
            ]),
        );
      const perArchitecture = (components: readonly string[]) =>
        components.flatMap((c) => ARCHITECTURES.map((a) => `${c}-${a}`)).sort();

      let first: { name: string; status: PayloadBuildStatus; builds: string[] };

      it("the first night builds every component for every architecture (NoPreviousBuild)", async () => {
        first = await nightly();
        expect(first.builds).toEqual(perArchitecture(COMPONENTS));
        expect(states(first.status)).toEqual(
          Object.fromEntries(COMPONENTS.map((c) => [c, "NoPreviousBuild"])),
        );
        expect(first.status.release?.digest).toMatch(/^sha256:/);
        // Each component's tag (its image index) records the component key; the per-architecture tags do not.
        const stream = await env.client.get(IMAGE_STREAMS, { namespace: ns, name: "release" });
        const tags = stream.spec?.tags ?? [];
        for (const c of first.status.components ?? []) {
          const key = tags.find((t) => t.name === c.name)?.annotations?.["payload.okd.io/component-key"];
          if (COMPONENTS.includes(c.name)) expect(key, c.name).toBe(c.key);
          else expect(key, c.name).toBeUndefined();
        }
      });

      it("an unchanged second night reuses every component's image index: no Build, the same release digest", async () => {
        const second = await nightly();
        expect(second.builds).toEqual([]);
        expect(states(second.status)).toEqual(
          Object.fromEntries(COMPONENTS.map((c) => [c, `Reused from ${ns}/${first.name}`])),
        );
        const image = (s: PayloadBuildStatus, c: string) => s.components?.find((e) => e.name === c)?.image;
        for (const c of COMPONENTS) expect(image(second.status, c)).toBe(image(first.status, c));
        expect(second.status.release?.digest).toBe(first.status.release?.digest);
      });

      it("a commit in base rebuilds every architecture of base and of what is built on it, nothing else", async () => {
        await repos.commit("base", { "rpms.txt": "bash\n" });
        const third = await nightly();
        expect(third.builds).toEqual(perArchitecture(["base", "cluster-version-operator"]));
        expect(states(third.status)).toEqual({
          base: "NewCommit",
          "cluster-version-operator": "InputChanged: base",
          console: `Reused from ${ns}/${first.name}`,
        });
        expect(third.status.release?.digest).not.toBe(first.status.release?.digest);
      });

      it("spec.rebuild: Always builds every component for every architecture again (Forced)", async () => {
        const forced = await nightly("Always");
        expect(forced.builds).toEqual(perArchitecture(COMPONENTS));
        expect(states(forced.status)).toEqual(Object.fromEntries(COMPONENTS.map((c) => [c, "Forced"])));
      });
    },
  );
}
