/**
 * Incremental builds end to end (`spec.rebuild: IfChanged`): the operator as a real process on
 * the dev cluster or the real control plane, with simulated builds; each component's source is a local git repository served
 * over smart HTTP by git http-backend (test/support/git-http-server.ts), external images are in a
 * real docker-registry. Successive PayloadBuilds of the same spec: the second builds nothing and
 * produces the same release digest; a commit in a leaf rebuilds that leaf; a commit in base
 * rebuilds everything built on it; a moved external tag rebuilds its users. Records are the
 * `<component>-<key>` tags in the ImageStream's repository, read with skopeo-free registry reads.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PayloadBuildStatus } from "../../src/api/index.js";
import { BUILDS, IMAGE_STREAMS } from "../../src/builds/build-resources.js";
import { EVENTS, SECRETS } from "../../src/kube/resource.js";
import type { OperatorProcess } from "../../src/demo/operator-process.js";
import { PAYLOAD_BUILDS } from "../../src/payload-build/payload-build-controller.js";
import { ImageStores } from "../../src/registry/image-store.js";
import { startGitHttpServer, type RunningGitHttpServer } from "../support/git-http-server.js";
import type { GitRepos } from "../support/git-repos.js";
import { makeImage, pushImage } from "../support/test-images.js";
import {
  createNamespace,
  hasCondition,
  waitForStatus,
  type ControlPlaneKind,
  type E2eEnvironment,
} from "./e2e-harness.js";
import { startGitSourcesEnvironment, type GitSourcesEnvironment } from "./git-sources-environment.js";

const RELEASE = "4.17.0-0.okd-incremental-2026-12-04-000000";
const BUILT = ["base", "cluster-version-operator", "cli", "installer", "console"];

/** Defines this file's tests on the control plane `plane` (needs git, for git http-backend). */
export function incrementalSuite(plane: ControlPlaneKind): void {
  describe("incremental builds by component key", { timeout: 260_000 }, () => {
    let setup: GitSourcesEnvironment | undefined;
    let env: E2eEnvironment;
    let operator: OperatorProcess;
    let git: RunningGitHttpServer;
    let repos: GitRepos;
    let ns = "";
    let centos = "";
    let node = "";
    let night = 0;

    beforeAll(async () => {
      setup = await startGitSourcesEnvironment({
        plane,
        repositories: BUILT,
        namespace: "incremental",
        profile: { components: { "cluster-version-operator": { operator: true } } },
      });
      ({ env, operator, git, repos, ns, centos } = setup);
      const stores = new ImageStores({ insecureRegistries: [env.dockerRegistry.host] });
      node = `${env.dockerRegistry.host}/library/node:22`;
      await pushImage(stores.open(`docker://${node}`), makeImage("docker", [64]), "22");
    }, 120_000);

    afterAll(async () => {
      await setup?.stop();
    });

    const source = (name: string) => ({ git: { uri: `${git.url}/${name}.git`, ref: "main" } });

    /** Applies the next nightly PayloadBuild (same spec every night) and waits until it is Ready. */
    async function nightly(
      release: Record<string, unknown> = {},
    ): Promise<{ name: string; status: PayloadBuildStatus; builds: number }> {
      night += 1;
      const name = `night-${night}`;
      await env.client.create(PAYLOAD_BUILDS, {
        apiVersion: "payload.okd.io/v1alpha1",
        kind: "PayloadBuild",
        metadata: { name, namespace: ns },
        spec: {
          imageStream: "release",
          rebuild: "IfChanged",
          concurrency: 4,
          components: [
            { name: "base", source: source("base"), from: centos },
            { name: "cluster-version-operator", source: source("cluster-version-operator"), from: "base" },
            { name: "cli", source: source("cli"), from: "base" },
            { name: "installer", source: source("installer"), from: "cli" },
            { name: "console", source: source("console"), from: node },
          ],
          release: { name: RELEASE, to: `docker://${env.dockerRegistry.host}/${ns}/release`, ...release },
        },
      });
      const status = await waitForStatus(
        env,
        operator,
        { namespace: ns, name },
        `${name} Ready=True`,
        (s) => hasCondition(s, "Ready", "True"),
        // A night takes seconds on either plane (1-14 s measured at load 15); 120 s leaves room for a
        // loaded machine. (The real plane's moved-tag night once took 110-200 s: the finished nights
        // re-assembled and re-pointed the shared ImageStream's tags, fixed in the operator.)
        120_000,
      );
      const builds = (await env.client.list(BUILDS, { namespace: ns })).items.filter((b) =>
        b.metadata.ownerReferences?.some((o) => o.name === name),
      ).length;
      return { name, status, builds };
    }

    const specTags = async () => {
      const stream = await env.client.get(IMAGE_STREAMS, { namespace: ns, name: "release" });
      type Tag = {
        name: string;
        from?: { kind?: string; name?: string };
        annotations?: Record<string, string>;
      };
      return (stream["spec"] as { tags?: Tag[] }).tags ?? [];
    };

    const states = (s: PayloadBuildStatus) =>
      Object.fromEntries(
        (s.components ?? []).map((c) => [
          c.name,
          c.state === "Reused" ? `Reused from ${c.reusedFrom ?? ""}` : (c.rebuildReason ?? c.state),
        ]),
      );

    let first: { name: string; status: PayloadBuildStatus; builds: number };

    it("the first night builds everything (NoPreviousBuild), with keys and commits in status", async () => {
      first = await nightly();
      expect(first.builds).toBe(5);
      expect(states(first.status)).toEqual(Object.fromEntries(BUILT.map((c) => [c, "NoPreviousBuild"])));
      for (const c of first.status.components ?? []) {
        expect(c.key).toMatch(/^sha256:[0-9a-f]{64}$/);
        expect(c.commit).toMatch(/^[0-9a-f]{40}$/);
      }
      expect(first.status.resolvedImages?.map((i) => i.image).sort()).toEqual([centos, node].sort());
      expect(first.status.payloadKey).toMatch(/^sha256:/);
      // Each built component's ImageStream tag records its key, naming the image its Build pushed.
      const tags = await specTags();
      for (const c of first.status.components ?? []) {
        const tag = tags.find((t) => t.name === c.name);
        expect(tag?.annotations?.["payload.okd.io/component-key"], c.name).toBe(c.key);
        expect(tag?.from, c.name).toMatchObject({
          kind: "ImageStreamImage",
          name: `release@${c.image?.split("@")[1] ?? ""}`,
        });
      }
    });

    it("an unchanged night builds nothing and produces the same release digest", async () => {
      const second = await nightly();
      expect(second.builds).toBe(0);
      expect(states(second.status)).toEqual(
        Object.fromEntries(BUILT.map((c) => [c, `Reused from ${ns}/${first.name}`])),
      );
      expect(second.status.release?.digest).toBe(first.status.release?.digest);
      expect(second.status.payloadKey).toBe(first.status.payloadKey);
      const images = (s: PayloadBuildStatus) =>
        Object.fromEntries((s.components ?? []).map((c) => [c.name, c.image?.split("@")[1]]));
      expect(images(second.status)).toEqual(images(first.status));
      // The ImageStream tag of a reused component says which key and which PayloadBuild.
      const stream = await env.client.get(IMAGE_STREAMS, { namespace: ns, name: "release" });
      const tags =
        (stream["spec"] as { tags?: { name: string; annotations?: Record<string, string> }[] }).tags ?? [];
      expect(tags.find((t) => t.name === "cli")?.annotations).toMatchObject({
        "payload.okd.io/component-key": second.status.components?.find((c) => c.name === "cli")?.key,
        "payload.okd.io/reused-from": `${ns}/${first.name}`,
      });
    });

    it("one commit in a leaf rebuilds that leaf alone; the release changes", async () => {
      await repos.commit("installer", { "main.go": "package main\n" });
      const third = await nightly();
      expect(third.builds).toBe(1);
      expect(states(third.status)).toMatchObject({
        installer: "NewCommit",
        cli: `Reused from ${ns}/${first.name}`,
      });
      expect(third.status.release?.digest).not.toBe(first.status.release?.digest);
      // The simulated build's image content follows the commit: a new image for the new commit.
      const image = (s: PayloadBuildStatus, name: string) =>
        s.components?.find((c) => c.name === name)?.image;
      expect(image(third.status, "installer")).not.toBe(image(first.status, "installer"));
      expect(image(third.status, "cli")).toBe(image(first.status, "cli"));
      // The rebuilt leaf's tag records its new key and image (it was reused the night before).
      const installer = (await specTags()).find((t) => t.name === "installer");
      expect(installer?.annotations?.["payload.okd.io/component-key"]).toBe(
        third.status.components?.find((c) => c.name === "installer")?.key,
      );
      expect(installer?.annotations?.["payload.okd.io/reused-from"]).toBeUndefined();
      expect(installer?.from?.name).toBe(`release@${image(third.status, "installer")?.split("@")[1] ?? ""}`);
    });

    it("one commit in base rebuilds everything built on it", async () => {
      await repos.commit("base", { "rpms.txt": "bash\n" });
      const fourth = await nightly();
      expect(fourth.builds).toBe(4);
      expect(states(fourth.status)).toMatchObject({
        base: "NewCommit",
        "cluster-version-operator": "InputChanged: base",
        cli: "InputChanged: base",
        installer: "InputChanged: cli",
        console: `Reused from ${ns}/${first.name}`,
      });
    });

    it("a moved tag on an external image rebuilds its users", async () => {
      const stores = new ImageStores({ insecureRegistries: [env.dockerRegistry.host] });
      await pushImage(stores.open(`docker://${node}`), makeImage("docker", [64]), "22");
      const fifth = await nightly();
      expect(fifth.builds).toBe(1);
      expect(states(fifth.status)).toMatchObject({
        console: `InputChanged: ${node}`,
        base: "Reused from " + `${ns}/night-4`,
      });
      // The nights before are done: the ImageStream moved on under them, their releases did not.
      const night1 = await env.client.get(PAYLOAD_BUILDS, { namespace: ns, name: first.name });
      expect((night1["status"] as PayloadBuildStatus | undefined)?.release?.digest).toBe(
        first.status.release?.digest,
      );
    });

    it("a night told the last payload key assembles no release when nothing changed (Ready, reason Unchanged)", async () => {
      const before = await nightly();
      expect(before.builds).toBe(0);
      const unchanged = await nightly({
        name: "4.17.0-0.okd-incremental-2026-12-05-000000",
        unlessPayloadKey: before.status.payloadKey,
      });
      expect(unchanged.builds).toBe(0);
      expect(unchanged.status.release).toBeUndefined();
      expect(unchanged.status.conditions?.find((c) => c.type === "Ready")).toMatchObject({
        status: "True",
        reason: "Unchanged",
      });
      const notes = (await env.client.list(EVENTS, { namespace: ns })).items
        .filter((e) => e["reason"] === "RebuildsPlanned")
        .map((e) => String(e["note"]));
      expect(notes).toContain("1 of 5 components to build: installer (NewCommit); 4 reused by component key");
      expect(notes).toContain("0 of 5 components to build; 5 reused by component key");
    });

    it("reads a private repository with its Secret; a ref that does not exist fails its component (and blocks those on it)", async () => {
      const secured = await startGitHttpServer({
        root: repos.root,
        basicAuth: { username: "bot", password: "s3cret" },
      });
      try {
        const other = await createNamespace(env.client, "incremental-errors");
        await env.client.create(SECRETS, {
          apiVersion: "v1",
          kind: "Secret",
          metadata: { name: "git-creds", namespace: other },
          type: "kubernetes.io/basic-auth",
          data: {
            username: Buffer.from("bot").toString("base64"),
            password: Buffer.from("s3cret").toString("base64"),
          },
        });
        await env.client.create(PAYLOAD_BUILDS, {
          apiVersion: "payload.okd.io/v1alpha1",
          kind: "PayloadBuild",
          metadata: { name: "errors", namespace: other },
          spec: {
            imageStream: "release",
            rebuild: "IfChanged",
            components: [
              {
                name: "private",
                source: { git: { uri: `${secured.url}/base.git`, secret: { name: "git-creds" } } },
                from: centos,
              },
              {
                name: "broken",
                source: { git: { uri: `${git.url}/cli.git`, ref: "no-such-branch" } },
                from: centos,
              },
              { name: "on-broken", source: source("installer"), from: "broken" },
            ],
          },
        });
        const status = await waitForStatus(
          env,
          operator,
          { namespace: other, name: "errors" },
          "errors Failed",
          (s) => s.phase === "Failed",
          120_000,
        );
        const byName = new Map((status.components ?? []).map((c) => [c.name, c]));
        expect(byName.get("private")).toMatchObject({ state: "Landed", rebuildReason: "NoPreviousBuild" });
        expect(byName.get("private")?.commit).toMatch(/^[0-9a-f]{40}$/);
        expect(byName.get("broken")?.state).toBe("Failed");
        expect(byName.get("broken")?.message).toMatch(
          /component broken: spec\.components\[1\]\.source\.git: ref no-such-branch does not exist in http:\/\/127\.0\.0\.1:\d+\/cli\.git/,
        );
        expect(byName.get("on-broken")).toMatchObject({ state: "Blocked" });
        const warnings = (await env.client.list(EVENTS, { namespace: other })).items.filter(
          (e) => e["reason"] === "ComponentUnresolved",
        );
        expect(warnings.map((e) => String(e["note"]))).toEqual([
          expect.stringContaining("ref no-such-branch does not exist"),
        ]);
      } finally {
        await secured.stop();
      }
    });
  });
}
