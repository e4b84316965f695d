/**
 * The release page's commit list over HTTP, on stores filled as the watcher fills them and a real
 * git repository served by `git http-backend`: the commits between the previous accepted release's
 * component commit and this release's are listed (subjects as git log prints them, markup as
 * text), the JSON carries them as release-controller's CommitInfo, a slow git server does not hold
 * the page (it says the commits are being fetched) and a `change` event follows when they arrive,
 * and a private repository is read with the Secret a PayloadBuild names for it. In Debian's chromium:
 * the open page swaps the commits in by its live update, without a reload.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { pino } from "pino";
import { afterAll, beforeAll, expect, it } from "vitest";
import { fetchCommitRange } from "../../../src/git/fetch-commits.js";
import type { KubeObject } from "../../../src/kube/kube-object.js";
import { StoreWriter } from "../../../src/runtime/store.js";
import { createCommitLog, type RangeFetcher } from "../../../src/web/commit-log.js";
import { payloadBuildGitCredentials } from "../../../src/web/git-credentials.js";
import type { ReleaseContentReader } from "../../../src/web/release-content.js";
import { startWebServer, type WebServer } from "../../../src/web/web-server.js";
import { webSourceOf } from "../../../src/web/web-source.js";
import { startGitHttpServer, type RunningGitHttpServer } from "../../support/git-http-server.js";
import { GitRepos } from "../../support/git-repos.js";
import { collectPageErrors, launchChromium, screenshot } from "../../support/browser.js";
import { describeWithTools, itWithTools } from "../../support/required-tool.js";
import { digest, streamObject } from "../../unit/web/web-fixtures.js";

const run = promisify(execFile);
const P = "4.17.0-0.okd";
const FIRST = `${P}-2026-12-01-000000`;
const SECOND = `${P}-2026-12-02-000000`;
const HOSTILE_SUBJECT = `fix: <script>window.__xss=1</script> in logs`;

describeWithTools(["git"])(
  "the release page lists the commits between releases (real git http-backend)",
  () => {
    let repos: GitRepos;
    let git: RunningGitHttpServer;
    let server: WebServer;
    let slow: WebServer;
    let release: () => void = () => undefined;
    const commits: string[] = [];
    let subjects: string[] = [];
    const streams = new StoreWriter<KubeObject>();
    const builds = new StoreWriter<KubeObject>();

    /** A web server whose git server answers only once `open()` is called (a slow git server). */
    async function startGatedServer(): Promise<{ server: WebServer; open: () => void }> {
      let open: () => void = () => undefined;
      const gate = new Promise<void>((resolve) => (open = resolve));
      const gated: RangeFetcher = async (...args) => {
        await gate;
        return fetchCommitRange(...args);
      };
      const server = await startWebServer({
        host: "127.0.0.1",
        port: 0,
        source: webSourceOf(streams, builds, () => undefined),
        readRelease,
        commitLog: createCommitLog({ fetchRange: gated }),
        commitWaitMs: 100,
        debounceMs: 10,
        logger: pino({ level: "silent" }),
      });
      return { server, open };
    }

    /** Release FIRST has the repository at commits[1], SECOND at commits[6]. */
    const readRelease: ReleaseContentReader = (image) => {
      const at = image.endsWith(digest("1")) ? commits[1] : commits[6];
      return Promise.resolve({
        name: image.endsWith(digest("1")) ? FIRST : SECOND,
        digest: image.endsWith(digest("1")) ? digest("1") : digest("2"),
        previous: [],
        components: [
          {
            name: "dns-operator",
            pullspec: `quay.io/okd/x@${digest(image.endsWith(digest("1")) ? "a" : "b")}`,
            digest: digest(image.endsWith(digest("1")) ? "a" : "b"),
            commitId: at,
            commitRef: "main",
            sourceLocation: `${git.url}/dns-operator.git`,
            commitUrl: undefined,
          },
        ],
      });
    };

    beforeAll(async () => {
      repos = await GitRepos.create();
      commits.push(await repos.createRepository("dns-operator"));
      for (let i = 1; i <= 6; i++)
        commits.push(
          await repos.commit("dns-operator", { "x.go": `${i}\n` }, i === 4 ? HOSTILE_SUBJECT : `change ${i}`),
        );
      const { stdout } = await run("git", ["log", "--format=%s", `${commits[1]}..${commits[6]}`], {
        cwd: join(repos.root, "dns-operator.git"),
      });
      subjects = stdout.trim().split("\n");
      git = await startGitHttpServer({ root: repos.root });
      streams.replace([
        streamObject("okd", P, [
          { name: FIRST, phase: "Accepted", digest: digest("1") },
          { name: SECOND, phase: "Ready", digest: digest("2"), previous: [FIRST] },
        ]),
      ]);
      builds.replace([]);
      server = await startWebServer({
        host: "127.0.0.1",
        port: 0,
        source: webSourceOf(streams, builds, () => undefined),
        readRelease,
        commitLog: createCommitLog(),
        logger: pino({ level: "silent" }),
      });
      ({ server: slow, open: release } = await startGatedServer());
    }, 60_000);
    afterAll(async () => {
      await server?.close();
      await slow?.close();
      await git?.stop();
      await repos?.remove();
    });

    it("lists git log's subjects of the range on the page, markup as text, and in the JSON", async () => {
      expect(subjects).toHaveLength(5);
      const page = await (await fetch(`${server.url}/releasestream/okd/release/${SECOND}`)).text();
      const listed = [...page.matchAll(/<span class="commit-subject">([^<]*)<\/span>/g)].map((m) => m[1]);
      const asHtmlText = (t: string) =>
        t.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
      expect(listed).toEqual(subjects.map(asHtmlText));
      expect(listed).toContain("fix: &lt;script&gt;window.__xss=1&lt;/script&gt; in logs");
      expect(page).not.toContain("<script>window.__xss");
      const json = (await (
        await fetch(`${server.url}/api/v1/releasestream/okd/release/${SECOND}`)
      ).json()) as {
        changeLogJson: { updatedImages: { commits: { subject: string; commitID: string }[] }[] };
      };
      expect(json.changeLogJson.updatedImages[0]?.commits.map((c) => c.subject)).toEqual(subjects);
      expect(json.changeLogJson.updatedImages[0]?.commits[0]?.commitID).toBe(commits[6]);
    });

    it("does not hold the page for a slow git server: says the commits are being fetched, then a change event, then lists them", async () => {
      const started = Date.now();
      const first = await (await fetch(`${slow.url}/releasestream/okd/release/${SECOND}`)).text();
      expect(Date.now() - started).toBeLessThan(5000);
      expect(first).toContain("Commits being fetched from the repository");
      const controller = new AbortController();
      const events = await fetch(`${slow.url}/events`, { signal: controller.signal });
      const reader = events.body?.getReader();
      if (reader === undefined) throw new Error("no event stream");
      let text = new TextDecoder().decode((await reader.read()).value);
      release();
      while (!text.includes("event: change")) {
        const chunk = await reader.read();
        if (chunk.done) break;
        text += new TextDecoder().decode(chunk.value);
      }
      controller.abort();
      expect(text).toContain("event: change");
      const after = await (
        await fetch(`${slow.url}/releasestream/okd/release/${SECOND}?fragment=live`)
      ).text();
      expect(after).not.toContain("Commits being fetched");
      expect(after).toContain("change 6");
    });

    itWithTools(["chromium"])(
      "in chromium, an open page shows 'being fetched', then the commits by its live update, without a reload",
      async () => {
        const { server: live, open } = await startGatedServer();
        const browser = await launchChromium();
        try {
          const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
          const errors = collectPageErrors(page);
          await page.goto(`${live.url}/releasestream/okd/release/${SECOND}`);
          await page.evaluate("window.__sameDocument = true");
          await page.waitForSelector(".commits-pending");
          await screenshot(page, "web-commits", "commits-being-fetched");
          // The live script connects to /events before the fetch finishes.
          await page.waitForFunction(
            `document.getElementById("live-status")?.textContent?.includes("connected") === true`,
          );
          open();
          const listed = page.locator("ol.commits > li .commit-subject");
          await expect.poll(() => listed.count(), { timeout: 20_000 }).toBe(5);
          expect(await listed.allTextContents()).toEqual(subjects);
          expect(await page.locator(".commits-pending").count()).toBe(0);
          expect(await page.evaluate("window.__sameDocument")).toBe(true);
          expect(await page.evaluate("window.__xss")).toBeUndefined();
          await screenshot(page, "web-commits", "commits-listed");
          expect(errors).toEqual([]);
        } finally {
          await browser.close();
          await live.close();
        }
      },
      60_000,
    );

    it("reads a private repository with the Secret a PayloadBuild names for it, and says which repository refused", async () => {
      const secured = await startGitHttpServer({
        root: repos.root,
        basicAuth: { username: "bot", password: "s3cret" },
      });
      try {
        const repository = `${secured.url}/dns-operator.git`;
        const key = { namespace: "okd", repository, from: commits[1] ?? "", to: commits[6] ?? "" };
        const anonymous = createCommitLog();
        anonymous.lookup(key);
        await anonymous.settle([key], 10_000);
        expect(anonymous.lookup(key)).toEqual({
          state: "error",
          message: expect.stringContaining(`${repository}: the git server asks for credentials (HTTP 401)`),
        });
        const payloadBuilds: KubeObject[] = [
          {
            apiVersion: "payload.okd.io/v1alpha1",
            kind: "PayloadBuild",
            metadata: { name: "pb", namespace: "okd" },
            spec: {
              components: [
                { name: "dns-operator", source: { git: { uri: repository, secret: { name: "git" } } } },
              ],
            },
          },
        ];
        const withSecret = createCommitLog({
          credentialsFor: payloadBuildGitCredentials(
            () => payloadBuilds,
            () =>
              Promise.resolve({
                apiVersion: "v1",
                kind: "Secret",
                metadata: { name: "git", namespace: "okd" },
                data: {
                  username: Buffer.from("bot").toString("base64"),
                  password: Buffer.from("s3cret").toString("base64"),
                },
              }),
          ),
        });
        withSecret.lookup(key);
        await withSecret.settle([key], 10_000);
        const found = withSecret.lookup(key);
        expect(found.state === "ready" ? found.range.commits.map((c) => c.subject) : found).toEqual(subjects);
      } finally {
        await secured.stop();
      }
    });
  },
);
