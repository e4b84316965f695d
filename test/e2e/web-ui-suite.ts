/**
 * End to end, in a real browser: the operator process on the dev cluster with `--web-addr`, the
 * sample-like payload built by the simulated build system, a ReleaseStream cutting, verifying and
 * accepting releases, and Debian's chromium (playwright-core) reading the pages. Asserts on the DOM
 * (never on timing): pages render, phases show their colours and their names, the live build view
 * advances as components land without a reload, links lead where they say, values from resources
 * that contain HTML are shown as text; the changelog lists the commits between two releases, read by the
 * operator from the git server the images' labels name (a local `git http-backend`); and the JSON API
 * answers in release-controller's shapes.
 * Screenshots go to `.test-artifacts/web-ui/` (`web-ui-real/` on the real control plane).
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ReleaseStreamStatusSchema, type ReleaseStreamStatus } from "../../src/api/index.js";
import { IMAGE_STREAMS } from "../../src/builds/build-resources.js";
import { freePort } from "../../src/control-plane/child-process.js";
import type { OperatorProcess } from "../../src/demo/operator-process.js";
import { PAYLOAD_BUILDS } from "../../src/payload-build/payload-build-controller.js";
import { ImageStores } from "../../src/registry/image-store.js";
import { RELEASE_STREAMS } from "../../src/release-stream/release-stream-objects.js";
import { collectPageErrors, launchChromium, screenshot } from "../support/browser.js";
import { startGitHttpServer } from "../support/git-http-server.js";
import { GitRepos } from "../support/git-repos.js";
import { describeWithTools } from "../support/required-tool.js";
import { makeImage, pushImage } from "../support/test-images.js";
import {
  CENTOS,
  component,
  createNamespace,
  startE2eEnvironment,
  waitFor,
  waitForStatus,
  type ControlPlaneKind,
  type E2eEnvironment,
} from "./e2e-harness.js";

/** Screenshot folder of a plane's run. */
const suiteOf = (plane: ControlPlaneKind) => (plane === "dev" ? "web-ui" : "web-ui-real");
const PREFIX = "4.17.0-0.okd-web";
/** A log line with markup: it must be shown as text, never parsed. */
const HOSTILE_LOG = `<img src=x onerror="window.__xss='log'"><b>bold?</b> error: exit status 2`;
/** A source-location label with markup, as a Dockerfile LABEL could set it. */
const HOSTILE_SOURCE = `https://github.com/okd-project/coredns"><script>window.__xss='label'</script>`;
/** A commit subject with markup: the changelog shows it as text. */
const HOSTILE_COMMIT = `dns fix <script>window.__xss='commit'</script><img src=x onerror="window.__xss='img'">`;
/** Colours of the stylesheet (computed style form). */
const GREEN = "rgb(17, 99, 41)";
const RED = "rgb(164, 14, 38)";
/**
 * Evaluated in the page: the lowest WCAG contrast ratio of text to its own background over every
 * `.badge`, and which badge has it.
 */
const LOWEST_BADGE_CONTRAST = `(() => {
  const lum = (rgb) => {
    const [r, g, b] = rgb.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number).map((v) => {
      const c = v / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  let lowest = { ratio: 99, text: "" };
  for (const e of document.querySelectorAll(".badge")) {
    const s = getComputedStyle(e);
    const [a, b] = [lum(s.color), lum(s.backgroundColor)].sort((x, y) => y - x);
    const ratio = (a + 0.05) / (b + 0.05);
    if (ratio < lowest.ratio) lowest = { ratio, text: e.textContent };
  }
  return lowest;
})()`;
/** Evaluated in the page: the element's computed text colour. */
function COLOR(element: unknown): string {
  const view = globalThis as unknown as { getComputedStyle(e: unknown): { color: string } };
  return view.getComputedStyle(element).color;
}

/** Defines the web UI's browser tests on the control plane `plane`. */
export function webUiSuite(plane: ControlPlaneKind): void {
  describeWithTools(["chromium", "docker-registry", "git"])(
    `web UI in a real browser (${plane} control plane)`,
    () => {
      let env: E2eEnvironment;
      let operator: OperatorProcess;
      let browser: Browser;
      let base = "";
      let ns = "";

      beforeAll(async () => {
        env = await startE2eEnvironment({
          plane,
          speed: 10,
          profile: {
            components: {
              "cluster-version-operator": { operator: true },
              "dns-operator": { operator: true, references: ["coredns"] },
              coredns: { labels: { "io.openshift.build.source-location": HOSTILE_SOURCE } },
            },
          },
        });
        const port = await freePort();
        operator = await env.startOperator([
          "--web-addr",
          `127.0.0.1:${port}`,
          "--verify-retry-delay",
          "0.2",
        ]);
        base = `http://127.0.0.1:${port}`;
        await waitFor(
          async () => ((await fetch(`${base}/`).catch(() => undefined))?.ok === true ? true : undefined),
          "the web UI to answer",
          30_000,
        );
        ns = await createNamespace(env.client, "web");
        browser = await launchChromium();
      }, 120_000);

      afterAll(async () => {
        await browser?.close();
        await env?.stop();
      });

      async function newPage(): Promise<{ page: Page; errors: string[] }> {
        const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
        return { page, errors: collectPageErrors(page) };
      }

      async function streamStatus(name: string): Promise<ReleaseStreamStatus> {
        const s = await env.client.get(RELEASE_STREAMS, { namespace: ns, name });
        return ReleaseStreamStatusSchema.parse(s["status"] ?? {});
      }

      it("the live build view advances as components land, without a reload, and shows a failure's log as text", async () => {
        for (const name of ["base", "cluster-version-operator", "dns-operator", "coredns"])
          env.builds.setBehaviour(name, { durationMs: 20_000 });
        env.builds.setBehaviour("broken", { failAlways: true, durationMs: 1000, logSnippet: HOSTILE_LOG });
        await env.client.create(PAYLOAD_BUILDS, {
          apiVersion: "payload.okd.io/v1alpha1",
          kind: "PayloadBuild",
          metadata: { name: "okd", namespace: ns },
          spec: {
            imageStream: "release",
            retry: { maxAttempts: 1 },
            components: [
              component("base", CENTOS),
              component("cluster-version-operator", "base"),
              component("dns-operator", "base"),
              component("coredns", "base"),
              component("broken", "base"),
            ],
          },
        });
        const { page, errors } = await newPage();
        await page.goto(`${base}/payloadbuild/${ns}/okd`);
        await page.evaluate("window.__sameDocument = true");
        // Every progress text the page shows, recorded in the page as the live region is swapped.
        await page.evaluate(`window.__progress = [];
      new MutationObserver(() => {
        const t = document.getElementById("progress-text");
        if (t && window.__progress[window.__progress.length - 1] !== t.textContent) window.__progress.push(t.textContent);
      }).observe(document.getElementById("live"), { childList: true, subtree: true });`);
        // The graph is drawn at once with every component; the critical path starts at base.
        await expect.poll(() => page.locator("#graph [data-component]").count()).toBe(5);
        await page.waitForSelector('#graph [data-component="base"]');
        await screenshot(page, suiteOf(plane), "payloadbuild-start");
        // The components table, opened with the keyboard, stays open across live updates.
        await page.focus("#components-summary");
        await page.keyboard.press("Enter");
        // It advances in place: base lands, then the others; each step is seen in the same document.
        await page.waitForSelector('#graph [data-component="base"][data-state="Landed"]', {
          timeout: 60_000,
        });
        await screenshot(page, suiteOf(plane), "payloadbuild-midway");
        await page.waitForSelector('#graph [data-component="coredns"][data-state="Landed"]', {
          timeout: 60_000,
        });
        await page.waitForSelector('.failure[data-component="broken"]', { timeout: 60_000 });
        await expect
          .poll(() => page.locator("#progress-text").textContent(), { timeout: 60_000 })
          .toMatch(/^4\/5 landed/);
        expect(await page.evaluate("window.__sameDocument")).toBe(true);
        // base lands alone first (the others build FROM it), so the page showed 1/5 before 4/5.
        const seen = (await page.evaluate("window.__progress")) as string[];
        const one = seen.findIndex((t) => t.startsWith("1/5 landed"));
        const four = seen.findIndex((t) => t.startsWith("4/5 landed"));
        expect(one, seen.join(" | ")).toBeGreaterThanOrEqual(0);
        expect(four, seen.join(" | ")).toBeGreaterThan(one);
        expect(Number(await page.locator("#live").getAttribute("data-version"))).toBeGreaterThan(1);
        expect(await page.locator("#components[open]").count()).toBe(1);
        expect(await page.locator('#components tr[data-component="coredns"] .badge').textContent()).toContain(
          "Landed",
        );
        // Every badge (the five component states, the phase) reads at WCAG AA contrast (4.5:1) or better.
        const lowest = (await page.evaluate(LOWEST_BADGE_CONTRAST)) as { ratio: number; text: string };
        expect(lowest.ratio, lowest.text).toBeGreaterThanOrEqual(4.5);
        // Critical path highlighted: base -> one of its dependents, drawn as critical edges and nodes.
        expect(await page.locator("#graph g.node.critical").count()).toBeGreaterThanOrEqual(2);
        expect(await page.locator("#graph path.edge.critical").count()).toBeGreaterThanOrEqual(1);
        // Timeline: one bar group per started build, landed ones in green.
        expect(await page.locator('#timeline [data-component="coredns"][data-state="Landed"]').count()).toBe(
          1,
        );
        // Colours AND text: a landed node's fill is the green background, the failure's badge says Failed in red.
        const failure = page.locator('.failure[data-component="broken"]');
        expect(await failure.locator(".badge").textContent()).toContain("Failed");
        expect(await failure.locator(".badge").evaluate(COLOR)).toBe(RED);
        // The log snippet with markup is text: no <img> or <b> was created, no script ran.
        expect(await failure.locator("pre.log").textContent()).toContain(
          `<img src=x onerror="window.__xss='log'">`,
        );
        expect(await failure.locator("img, b").count()).toBe(0);
        expect(await page.evaluate("window.__xss")).toBeUndefined();
        await screenshot(page, suiteOf(plane), "payloadbuild-done");
        // The list page links to the build page.
        await page.goto(`${base}/payloadbuilds`);
        await page.getByRole("link", { name: "okd", exact: true }).click();
        await page.waitForURL(`${base}/payloadbuild/${ns}/okd`);
        expect(await page.locator("h1").textContent()).toBe("PayloadBuild okd");
        expect(errors).toEqual([]);
        await page.close();
      }, 180_000);

      it("release pages: phases in colour and words, components with commit links, changelog, verification, upgrade edges; the JSON API in release-controller's shapes", async () => {
        const status = await waitForStatus(
          env,
          operator,
          { namespace: ns, name: "okd" },
          "4 landed",
          (s) => (s.counts?.landed ?? 0) === 4,
        );
        const landed = (status.components ?? []).filter((c) => c.state === "Landed");
        await env.client.create(IMAGE_STREAMS, {
          apiVersion: "image.openshift.io/v1",
          kind: "ImageStream",
          metadata: { name: "input", namespace: ns },
          spec: {
            tags: landed.map((c) => ({ name: c.name, from: { kind: "DockerImage", name: c.image ?? "" } })),
          },
        });
        const job = (name: string, container: string) => ({
          name,
          jobTemplate: {
            spec: {
              backoffLimit: 0,
              template: {
                spec: {
                  restartPolicy: "Never",
                  containers: [
                    { name: container, image: "quay.io/okd/scos-content:4.17-cli", command: ["/bin/true"] },
                  ],
                },
              },
            },
          },
        });
        await env.client.create(RELEASE_STREAMS, {
          apiVersion: "payload.okd.io/v1alpha1",
          kind: "ReleaseStream",
          metadata: { name: "okd-web", namespace: ns },
          spec: {
            name: PREFIX,
            source: { imageStream: "input" },
            to: `docker://${env.dockerRegistry.host}/${ns}/okd-web`,
            verify: [job("e2e-upgrade", "e2e-upgrade")],
          },
        });
        const first = await waitFor(
          async () => {
            const s = await streamStatus("okd-web");
            return s.latestAccepted;
          },
          "the first release to be accepted",
          90_000,
        );

        // A second release: coredns rebuilt from another ref (a new commit), the input tag moved to it.
        await env.client.create(PAYLOAD_BUILDS, {
          apiVersion: "payload.okd.io/v1alpha1",
          kind: "PayloadBuild",
          metadata: { name: "coredns-next", namespace: ns },
          spec: {
            imageStream: "next",
            components: [
              component("base", CENTOS),
              {
                ...component("coredns", "base"),
                source: { git: { uri: "https://github.com/okd-project/coredns", ref: "release-next" } },
              },
            ],
          },
        });
        const next = await waitForStatus(
          env,
          operator,
          { namespace: ns, name: "coredns-next" },
          "coredns landed",
          (s) => (s.counts?.landed ?? 0) === 2,
        );
        const coredns = next.components?.find((c) => c.name === "coredns")?.image ?? "";
        const input = await env.client.get(IMAGE_STREAMS, { namespace: ns, name: "input" });
        await env.client.patch(
          IMAGE_STREAMS,
          { namespace: ns, name: "input" },
          {
            type: "merge",
            body: {
              spec: {
                tags: (input.spec?.tags ?? []).map((t) =>
                  t.name === "coredns" ? { ...t, from: { kind: "DockerImage", name: coredns } } : t,
                ),
              },
            },
          },
        );
        // The second release is rejected: its verification Job fails.
        env.jobs.setBehaviour("e2e-upgrade", { failAlways: true, failMessage: "upgrade test failed" });
        const second = await waitFor(
          async () => {
            const s = await streamStatus("okd-web");
            const r = s.releases?.find((x) => x.name !== first);
            return r?.phase === "Rejected" ? r.name : undefined;
          },
          "the second release to be rejected",
          90_000,
        );

        const { page, errors } = await newPage();
        await page.goto(`${base}/`);
        const acceptedBadge = page.locator(`tr[data-release="${first}"] .badge[data-phase]`);
        expect(await acceptedBadge.textContent()).toContain("Accepted");
        expect(await acceptedBadge.evaluate(COLOR)).toBe(GREEN);
        const rejectedBadge = page.locator(`tr[data-release="${second}"] .badge[data-phase]`);
        expect(await rejectedBadge.textContent()).toContain("Rejected");
        expect(await rejectedBadge.evaluate(COLOR)).toBe(RED);
        await screenshot(page, suiteOf(plane), "streams-overview");
        const lowestHere = (await page.evaluate(LOWEST_BADGE_CONTRAST)) as { ratio: number; text: string };
        expect(lowestHere.ratio, lowestHere.text).toBeGreaterThanOrEqual(4.5);

        // Links: overview -> stream -> release.
        await page.getByRole("link", { name: "okd-web", exact: true }).click();
        await page.waitForURL(`${base}/releasestream/okd-web`);
        expect(await page.locator("tbody tr[data-release]").count()).toBe(2);
        await screenshot(page, suiteOf(plane), "stream");
        await page.getByRole("link", { name: second, exact: true }).click();
        await page.waitForURL(`${base}/releasestream/okd-web/release/${second}`);
        expect(await page.locator("h1").textContent()).toBe(second);
        // Components with digests and commit links from the image labels.
        await page.waitForSelector('tr[data-component="coredns"]');
        const corednsRow = page.locator('tr[data-component="coredns"]');
        expect(await corednsRow.locator("code[title^='sha256:']").count()).toBe(1);
        const commitHref = await corednsRow.locator("a").first().getAttribute("href");
        expect(commitHref).toMatch(
          /^https:\/\/github\.com\/okd-project\/coredns%22%3E%3Cscript%3E.*\/commit\/[0-9a-f]{40}$/,
        );
        // The label with markup is shown as text: no script element was created from it, none ran.
        expect(await corednsRow.textContent()).toContain(`<script>window.__xss='label'</script>`);
        expect(await corednsRow.locator("script").count()).toBe(0);
        expect(await page.evaluate("window.__xss")).toBeUndefined();
        // Changelog against the previous accepted release: coredns changed commit, with a compare link.
        const changelog = page.locator("ul.changelog > li");
        expect(await changelog.count()).toBe(1);
        expect(await changelog.textContent()).toContain("coredns");
        expect(await changelog.locator("a").getAttribute("href")).toMatch(
          /\/compare\/[0-9a-f]{40}\.\.\.[0-9a-f]{40}$/,
        );
        // Verification: the failed job, in red and in words.
        const verification = page.locator('tr[data-verification="e2e-upgrade"] .badge');
        expect(await verification.textContent()).toContain("Failed");
        expect(await verification.evaluate(COLOR)).toBe(RED);
        // Upgrade edge from the first release, failed (the second was rejected); the link leads to it.
        await screenshot(page, suiteOf(plane), "release-rejected");
        await page.getByRole("link", { name: first, exact: true }).first().click();
        await page.waitForURL(`${base}/releasestream/okd-web/release/${first}`);
        expect(await page.locator("h1").textContent()).toBe(first);
        await screenshot(page, suiteOf(plane), "release-accepted");
        expect(errors).toEqual([]);
        await page.close();

        // JSON API, release-controller's shapes.
        const latest = await (await fetch(`${base}/api/v1/releasestream/okd-web/latest`)).json();
        expect(latest).toEqual({
          name: first,
          phase: "Accepted",
          pullSpec: `${env.dockerRegistry.host}/${ns}/okd-web:${first}`,
          downloadURL: "",
        });
        expect(
          await (await fetch(`${base}/api/v1/releasestream/${PREFIX}/latest?format=pullSpec`)).text(),
        ).toBe(`${env.dockerRegistry.host}/${ns}/okd-web:${first}\n`);
        expect((await fetch(`${base}/api/v1/releasestream/okd-web/latest?rel=1`)).status).toBe(404);
        const tags = await (await fetch(`${base}/api/v1/releasestream/okd-web/tags`)).json();
        expect(tags).toEqual({
          name: "okd-web",
          tags: [
            {
              name: second,
              phase: "Rejected",
              pullSpec: `${env.dockerRegistry.host}/${ns}/okd-web:${second}`,
              downloadURL: "",
            },
            {
              name: first,
              phase: "Accepted",
              pullSpec: `${env.dockerRegistry.host}/${ns}/okd-web:${first}`,
              downloadURL: "",
            },
          ],
        });
        const info = await (await fetch(`${base}/api/v1/releasestream/okd-web/release/${second}`)).json();
        expect(info).toMatchObject({
          name: second,
          phase: "Rejected",
          results: { blockingJobs: { "e2e-upgrade": { state: "Failed" } } },
          upgradesFrom: [{ From: first, To: second, Success: 0, Failure: 1, Total: 1 }],
          changeLogJson: { updatedImages: [expect.objectContaining({ name: "coredns" })] },
        });
        const graph = await fetch(`${base}/graph?channel=nightly`);
        expect(graph.headers.get("content-type")).toBe(
          "application/vnd.redhat.cincinnati.graph+json; version=1.0",
        );
        const body = (await graph.json()) as {
          nodes: { version: string; payload: string }[];
          edges: [number, number][];
        };
        const index = (v: string) => body.nodes.findIndex((n) => n.version === v);
        expect(body.edges).toContainEqual([index(first), index(second)]);
        // Page views cost the API server nothing: they read the informer stores, so while pages and API
        // answers are served the operator makes no get or list of ReleaseStreams or PayloadBuilds.
        const requests = await env.operatorRequests();
        // (the audit log names them so: the informers' initial lists are there)
        expect(requests.some((r) => r.verb === "list" && r.resource === "releasestreams")).toBe(true);
        expect(requests.some((r) => r.verb === "list" && r.resource === "payloadbuilds")).toBe(true);
        const before = requests.length;
        for (const path of [
          "/",
          "/releasestream/okd-web",
          `/releasestream/okd-web/release/${second}`,
          `/payloadbuild/${ns}/okd`,
          "/payloadbuilds",
          "/graph",
          "/api/v1/releasestream/okd-web/tags",
        ])
          for (let i = 0; i < 5; i++) expect((await fetch(`${base}${path}`)).status, path).toBe(200);
        const during = (await env.operatorRequests())
          .slice(before)
          .filter(
            (r) =>
              (r.verb === "get" || r.verb === "list") &&
              (r.resource === "releasestreams" || r.resource === "payloadbuilds"),
          );
        expect(during).toEqual([]);
        expect(env.auditDropped()).toBe(0);
        // Read-only: anything but GET/HEAD is refused.
        expect((await fetch(`${base}/api/v1/releasestream/okd-web/tags`, { method: "POST" })).status).toBe(
          405,
        );
      }, 300_000);

      it("the changelog lists the commits between the previous accepted release and this one, read from the git server the images' labels name, subjects with markup as text", async () => {
        // A repository on a local git http-backend; the component's images carry its URL and commits.
        const repos = await GitRepos.create();
        const git = await startGitHttpServer({ root: repos.root });
        try {
          const commits = [await repos.createRepository("dns-operator")];
          for (let i = 1; i <= 6; i++)
            commits.push(
              await repos.commit(
                "dns-operator",
                { "pkg/dns.go": `package dns // ${i}\n` },
                i === 4 ? HOSTILE_COMMIT : `dns change ${i}`,
              ),
            );
          const repository = `${git.url}/dns-operator.git`;
          const stores = new ImageStores({ insecureRegistries: [env.dockerRegistry.host] });
          const imageRepo = `${env.dockerRegistry.host}/${ns}/dns-operator-git`;
          const pushAt = async (commit: string, tag: string): Promise<string> =>
            `${imageRepo}@${await pushImage(
              stores.open(`docker://${imageRepo}`),
              makeImage("docker", [64], {
                "io.openshift.build.source-location": repository,
                "io.openshift.build.commit.id": commit,
                "io.openshift.build.commit.ref": "main",
              }),
              tag,
            )}`;
          const okd = await waitForStatus(
            env,
            operator,
            { namespace: ns, name: "okd" },
            "4 landed",
            (s) => (s.counts?.landed ?? 0) === 4,
          );
          const cvo = okd.components?.find((c) => c.name === "cluster-version-operator")?.image ?? "";
          const tagsAt = (dns: string) => [
            { name: "cluster-version-operator", from: { kind: "DockerImage", name: cvo } },
            { name: "dns-operator", from: { kind: "DockerImage", name: dns } },
          ];
          await env.client.create(IMAGE_STREAMS, {
            apiVersion: "image.openshift.io/v1",
            kind: "ImageStream",
            metadata: { name: "git-input", namespace: ns },
            spec: { tags: tagsAt(await pushAt(commits[1] ?? "", "one")) },
          });
          await env.client.create(RELEASE_STREAMS, {
            apiVersion: "payload.okd.io/v1alpha1",
            kind: "ReleaseStream",
            metadata: { name: "okd-git", namespace: ns },
            spec: {
              name: "4.17.0-0.okd-git",
              source: { imageStream: "git-input" },
              to: `docker://${env.dockerRegistry.host}/${ns}/okd-git`,
            },
          });
          const first = await waitFor(
            async () => (await streamStatus("okd-git")).latestAccepted,
            "the okd-git stream's first release to be accepted",
            90_000,
          );
          await env.client.patch(
            IMAGE_STREAMS,
            { namespace: ns, name: "git-input" },
            { type: "merge", body: { spec: { tags: tagsAt(await pushAt(commits[6] ?? "", "six")) } } },
          );
          const second = await waitFor(
            async () => {
              const latest = (await streamStatus("okd-git")).latestAccepted;
              return latest !== undefined && latest !== first ? latest : undefined;
            },
            "the okd-git stream's second release to be accepted",
            90_000,
          );
          const expected = await GitRepos.log(repos.root, "dns-operator", commits[1] ?? "", commits[6] ?? "");
          expect(expected).toHaveLength(5);

          const { page, errors } = await newPage();
          await page.goto(`${base}/releasestream/okd-git/release/${second}`);
          // The commits are listed at once, or after "being fetched" by the page's live update.
          const listed = page.locator('ul.changelog > li[data-images="dns-operator"] ol.commits > li');
          await expect.poll(() => listed.count(), { timeout: 60_000 }).toBe(5);
          expect(await listed.locator(".commit-subject").allTextContents()).toEqual(expected);
          expect(await listed.first().getAttribute("data-commit")).toBe(commits[6]);
          // The subject with markup is text: no element was made from it, no script ran.
          const hostile = listed.filter({ hasText: "dns fix" });
          expect(await hostile.locator(".commit-subject").textContent()).toBe(HOSTILE_COMMIT);
          expect(await page.locator("ul.changelog script, ul.changelog img").count()).toBe(0);
          expect(await page.evaluate("window.__xss")).toBeUndefined();
          expect(await page.locator("p", { hasText: "Changes since" }).textContent()).toContain(first);
          await screenshot(page, suiteOf(plane), "release-commits");
          expect(errors).toEqual([]);
          await page.close();

          // The JSON: release-controller's CommitInfo list, newest first.
          const info = (await (
            await fetch(`${base}/api/v1/releasestream/okd-git/release/${second}`)
          ).json()) as {
            changeLogJson: {
              updatedImages: { name: string; commits?: { subject: string; commitID: string }[] }[];
            };
          };
          const dns = info.changeLogJson.updatedImages.find((i) => i.name === "dns-operator");
          expect(dns?.commits?.map((c) => c.subject)).toEqual(expected);
        } finally {
          await git.stop();
          await repos.remove();
        }
      }, 300_000);
    },
  );
}
