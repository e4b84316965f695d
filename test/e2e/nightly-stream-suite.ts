/**
 * The nightly ReleaseStream with component keys, end to end: a stream whose `source.payloadBuild`
 * template sets `spec.rebuild: IfChanged`, on a schedule (nightly at an hour far from now, so only
 * the runs the test asks for happen), each run started with `kubectl annotate ... payload.okd.io/run-now`.
 * The operator runs as a real process on the dev cluster or the real control plane, builds are
 * simulated, each component's source is a local git repository served over smart HTTP by
 * git http-backend, and releases go to a real docker-registry.
 * Night 1 builds everything and cuts release A; night 2, nothing changed, builds nothing and cuts no
 * release (the stream says why in an Event); night 3, one commit in a leaf, builds that leaf alone
 * and cuts release B, which upgrades from A.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  PayloadBuildStatusSchema,
  ReleaseStreamStatusSchema,
  type ReleaseStreamStatus,
  type StreamRelease,
} from "../../src/api/index.js";
import { BUILDS } from "../../src/builds/build-resources.js";
import type { OperatorProcess } from "../../src/demo/operator-process.js";
import { EVENTS } from "../../src/kube/resource.js";
import { PAYLOAD_BUILDS } from "../../src/payload-build/payload-build-controller.js";
import { RELEASE_STREAMS } from "../../src/release-stream/release-stream-objects.js";
import type { RunningGitHttpServer } from "../support/git-http-server.js";
import type { GitRepos } from "../support/git-repos.js";
import { waitFor, type ControlPlaneKind, type E2eEnvironment } from "./e2e-harness.js";
import { startGitSourcesEnvironment, type GitSourcesEnvironment } from "./git-sources-environment.js";

const run = promisify(execFile);
const PREFIX = "4.17.0-0.okd-nightly";
const STREAM = "nightly";
const BUILT = ["base", "cluster-version-operator", "cli", "installer"];

/** Defines this file's tests on the control plane `plane` (needs git and kubectl). */
export function nightlyStreamSuite(plane: ControlPlaneKind): void {
  describe("a nightly ReleaseStream with component keys", { timeout: 200_000 }, () => {
    let setup: GitSourcesEnvironment | undefined;
    let env: E2eEnvironment;
    let operator: OperatorProcess;
    let git: RunningGitHttpServer;
    let repos: GitRepos;
    let ns = "";
    let releaseA: StreamRelease | undefined;

    beforeAll(async () => {
      setup = await startGitSourcesEnvironment({
        plane,
        repositories: BUILT,
        namespace: "nightly",
        profile: { components: { "cluster-version-operator": { operator: true } } },
      });
      let centos: string;
      ({ env, operator, git, repos, ns, centos } = setup);
      const source = (name: string) => ({ git: { uri: `${git.url}/${name}.git`, ref: "main" } });
      // Nightly at an hour twelve hours from now: the schedule itself never fires during the test.
      const hour = (new Date().getUTCHours() + 12) % 24;
      await env.client.create(RELEASE_STREAMS, {
        apiVersion: "payload.okd.io/v1alpha1",
        kind: "ReleaseStream",
        metadata: { name: STREAM, namespace: ns, annotations: { "payload.okd.io/run-now": "night-1" } },
        spec: {
          name: PREFIX,
          source: {
            payloadBuild: {
              spec: {
                imageStream: "nightly-components",
                rebuild: "IfChanged",
                concurrency: 4,
                components: [
                  { name: "base", source: source("base"), from: centos },
                  {
                    name: "cluster-version-operator",
                    source: source("cluster-version-operator"),
                    from: "base",
                  },
                  { name: "cli", source: source("cli"), from: "base" },
                  { name: "installer", source: source("installer"), from: "cli" },
                ],
              },
            },
          },
          schedule: `0 ${hour} * * *`,
          timeZone: "UTC",
          to: `docker://${env.dockerRegistry.host}/${ns}/nightly`,
        },
      });
    }, 120_000);

    afterAll(async () => {
      await setup?.stop();
    });

    async function streamStatus(): Promise<ReleaseStreamStatus | undefined> {
      const s = await env.client.get(RELEASE_STREAMS, { namespace: ns, name: STREAM });
      const parsed = ReleaseStreamStatusSchema.safeParse(s["status"] ?? {});
      return parsed.success ? parsed.data : undefined;
    }

    /** Waits until the run `token` asked for is over (its release is not Pending any more, or gone). */
    async function nightOver(token: string, releases: number): Promise<ReleaseStreamStatus> {
      let last: ReleaseStreamStatus | undefined;
      try {
        return await waitFor(
          async () => {
            if (operator.hasExited()) throw new Error("operator exited");
            last = await streamStatus();
            const rs = last?.releases ?? [];
            return last?.lastRunNow === token &&
              rs.length === releases &&
              rs.every((r) => r.phase === "Accepted")
              ? last
              : undefined;
          },
          `run ${token} over with ${releases} accepted release(s)`,
          120_000,
        );
      } catch (err) {
        throw new Error(
          `${String(err)}; last status: ${JSON.stringify(last, null, 1)}\noperator log:\n${await operator.tail(30)}`,
          { cause: err },
        );
      }
    }

    /** `kubectl annotate releasestream nightly payload.okd.io/run-now=<token> --overwrite`, as a person would. */
    async function runNow(token: string): Promise<void> {
      await run("kubectl", [
        "--kubeconfig",
        env.kubeconfigPath,
        "-n",
        ns,
        "annotate",
        "releasestream",
        STREAM,
        `payload.okd.io/run-now=${token}`,
        "--overwrite",
      ]);
    }

    const builds = async () => (await env.client.list(BUILDS, { namespace: ns })).items;
    const payloadBuildStatus = async (name: string) =>
      PayloadBuildStatusSchema.parse(
        (await env.client.get(PAYLOAD_BUILDS, { namespace: ns, name }))["status"] ?? {},
      );

    it("night 1 builds every component and cuts release A", async () => {
      const status = await nightOver("night-1", 1);
      releaseA = status.releases?.[0];
      expect(releaseA?.name).toMatch(
        new RegExp(`^${PREFIX.replace(/\./g, "\\.")}-\\d{4}-\\d{2}-\\d{2}-\\d{6}$`),
      );
      expect(releaseA?.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(releaseA?.payloadKey).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(await builds()).toHaveLength(BUILT.length);
      const pb = await payloadBuildStatus(releaseA?.payloadBuild ?? "");
      expect(Object.fromEntries((pb.components ?? []).map((c) => [c.name, c.rebuildReason]))).toEqual(
        Object.fromEntries(BUILT.map((c) => [c, "NoPreviousBuild"])),
      );
    });

    it("night 2, nothing changed, builds nothing and cuts no release; the stream says why", async () => {
      await runNow("night-2");
      const status = await nightOver("night-2", 1);
      expect(status.releases?.map((r) => r.name)).toEqual([releaseA?.name]);
      expect(status.releases?.[0]?.digest).toBe(releaseA?.digest);
      expect(await builds()).toHaveLength(BUILT.length);
      const notes = await waitFor(
        async () => {
          const found = (await env.client.list(EVENTS, { namespace: ns })).items
            .filter((e) => e["reason"] === "Unchanged" && e["regarding"] !== undefined)
            .map((e) => String(e["note"]));
          return found.length > 0 ? found : undefined;
        },
        "the stream's Unchanged Event",
        30_000,
      );
      expect(notes).toEqual([
        expect.stringMatching(
          new RegExp(
            `^scheduled run ${STREAM}-\\S+: every component reused and the payload key ${releaseA?.payloadKey ?? ""} equals the last release's \\(${(releaseA?.name ?? "").replace(/\./g, "\\.")}\\); no release cut$`,
          ),
        ),
      ]);
      // The night's PayloadBuild goes with its release; night 1's stays with release A.
      await waitFor(
        async () => {
          const pbs = (await env.client.list(PAYLOAD_BUILDS, { namespace: ns })).items;
          return pbs.length === 1 && pbs[0]?.metadata.name === releaseA?.payloadBuild ? pbs : undefined;
        },
        "only night 1's PayloadBuild left",
        30_000,
      );
    });

    it("night 3, one commit in a leaf, builds that leaf alone and cuts release B upgrading from A", async () => {
      await repos.commit("installer", { "main.go": "package main\n" });
      await runNow("night-3");
      const status = await nightOver("night-3", 2);
      const releaseB = status.releases?.[0];
      expect(status.releases?.[1]?.name).toBe(releaseA?.name);
      expect(releaseB?.name).not.toBe(releaseA?.name);
      expect(releaseB?.digest).toMatch(/^sha256:/);
      expect(releaseB?.digest).not.toBe(releaseA?.digest);
      expect(releaseB?.previous).toEqual([releaseA?.name]);
      expect(releaseB?.payloadKey).not.toBe(releaseA?.payloadKey);
      const all = await builds();
      expect(all).toHaveLength(BUILT.length + 1);
      const pb = await payloadBuildStatus(releaseB?.payloadBuild ?? "");
      expect(
        Object.fromEntries(
          (pb.components ?? []).map((c) => [
            c.name,
            c.state === "Reused" ? `Reused from ${c.reusedFrom ?? ""}` : c.rebuildReason,
          ]),
        ),
      ).toEqual({
        installer: "NewCommit",
        base: `Reused from ${ns}/${releaseA?.payloadBuild ?? ""}`,
        "cluster-version-operator": `Reused from ${ns}/${releaseA?.payloadBuild ?? ""}`,
        cli: `Reused from ${ns}/${releaseA?.payloadBuild ?? ""}`,
      });
      expect(
        all.filter((b) => b.metadata.ownerReferences?.some((o) => o.name === releaseB?.payloadBuild)),
      ).toHaveLength(1);
    });
  });
}
