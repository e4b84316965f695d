/**
 * The web server over HTTP, on stores filled the way the watcher fills them (no API server): the
 * JSON API as curl sees it, read-only refusals, security headers, server-sent events on a change,
 * and, in Debian's chromium, a component whose name is markup shown as text and a page usable with
 * the keyboard alone.
 */
import { pino } from "pino";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KubeObject } from "../../../src/kube/kube-object.js";
import { StoreWriter } from "../../../src/runtime/store.js";
import type { ReleaseContentReader } from "../../../src/web/release-content.js";
import { startWebServer, type WebServer } from "../../../src/web/web-server.js";
import { webSourceOf } from "../../../src/web/web-source.js";
import { collectPageErrors, launchChromium, screenshot } from "../../support/browser.js";
import { describeWithTools } from "../../support/required-tool.js";
import { digest, streamObject } from "../../unit/web/web-fixtures.js";

/** Evaluated in the page: the element's computed text colour. */
function COLOR(element: unknown): string {
  const view = globalThis as unknown as { getComputedStyle(e: unknown): { color: string } };
  return view.getComputedStyle(element).color;
}
const NAME = `<img src=x onerror="window.__xss=1">dns`;
const P = "4.17.0-0.okd";

describe("web server over HTTP", () => {
  let server: WebServer;
  const streams = new StoreWriter<KubeObject>();
  const builds = new StoreWriter<KubeObject>();
  let emit: (kind: "ReleaseStream" | "PayloadBuild") => void = () => undefined;
  const reads: string[] = [];
  const readRelease: ReleaseContentReader = (image) => {
    reads.push(image);
    return Promise.resolve({
      name: image,
      digest: digest("a"),
      previous: [],
      components: [
        {
          name: NAME,
          pullspec: `quay.io/okd/x@${digest("c")}`,
          digest: digest("c"),
          commitId: "0123456789abcdef",
          commitRef: "main",
          sourceLocation: "https://github.com/okd-project/dns",
          commitUrl: undefined,
        },
      ],
    });
  };

  beforeAll(async () => {
    streams.replace([
      streamObject("okd", P, [
        { name: `${P}-2026-12-01-000000`, phase: "Accepted", digest: digest("1") },
        {
          name: `${P}-2026-12-02-000000`,
          phase: "Ready",
          digest: digest("2"),
          previous: [`${P}-2026-12-01-000000`],
        },
      ]),
    ]);
    builds.replace([]);
    server = await startWebServer({
      host: "127.0.0.1",
      port: 0,
      source: webSourceOf(streams, builds, (e) => (emit = e)),
      readRelease,
      logger: pino({ level: "silent" }),
      debounceMs: 10,
    });
  });

  afterAll(async () => {
    await server?.close();
  });

  it("answers the documented curl lines with release-controller's shapes", async () => {
    const latest = await fetch(`${server.url}/api/v1/releasestream/okd/latest`);
    expect(latest.status).toBe(200);
    expect(latest.headers.get("access-control-allow-origin")).toBe("*");
    expect(await latest.json()).toEqual({
      name: `${P}-2026-12-01-000000`,
      phase: "Accepted",
      pullSpec: `quay.io/okd/okd:${P}-2026-12-01-000000`,
      downloadURL: "",
    });
    expect(await (await fetch(`${server.url}/api/v1/releasestream/okd/latest?format=pullSpec`)).text()).toBe(
      `quay.io/okd/okd:${P}-2026-12-01-000000\n`,
    );
    const missing = await fetch(`${server.url}/api/v1/releasestream/nope/latest`);
    expect(missing.status).toBe(404);
    const info = (await (
      await fetch(`${server.url}/api/v1/releasestream/okd/release/${P}-2026-12-02-000000`)
    ).json()) as Record<string, unknown>;
    expect(info["phase"]).toBe("Ready");
    expect(info["upgradesFrom"]).toEqual([
      { From: `${P}-2026-12-01-000000`, To: `${P}-2026-12-02-000000`, Success: 0, Failure: 0, Total: 1 },
    ]);
    expect(info["changeLogJson"]).toMatchObject({ from: { name: `${P}-2026-12-01-000000` } });
    // ?from= picks another base for the changelog (release-controller's override).
    const fromSelf = (await (
      await fetch(
        `${server.url}/api/v1/releasestream/okd/release/${P}-2026-12-01-000000?from=${P}-2026-12-02-000000`,
      )
    ).json()) as Record<string, unknown>;
    expect(fromSelf["changeLogJson"]).toMatchObject({
      from: { name: `${P}-2026-12-02-000000` },
      to: { name: `${P}-2026-12-01-000000` },
    });
  });

  it("redirects release-controller's /releasetag/TAG to the release's page and lists streams by phase", async () => {
    const redirect = await fetch(`${server.url}/releasetag/${P}-2026-12-02-000000`, { redirect: "manual" });
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get("location")).toBe(`/releasestream/okd/release/${P}-2026-12-02-000000`);
    expect((await fetch(`${server.url}/releasetag/4.1.0-nope`)).status).toBe(404);
    expect(await (await fetch(`${server.url}/api/v1/releasestreams/accepted`)).json()).toEqual({
      okd: [`${P}-2026-12-01-000000`],
    });
  });

  it("is read-only, sends a CSP without inline scripts, and reads each release image once", async () => {
    for (const method of ["POST", "PUT", "DELETE", "PATCH"]) {
      const r = await fetch(`${server.url}/api/v1/releasestream/okd/tags`, { method });
      expect(r.status, method).toBe(405);
      expect(r.headers.get("allow")).toBe("GET, HEAD");
    }
    const page = await fetch(`${server.url}/`);
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(page.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    const before = reads.length;
    await fetch(`${server.url}/releasestream/okd/release/${P}-2026-12-02-000000`);
    expect(reads.length - before).toBe(2); // this release and the previous accepted one (the reader caches by digest)
    expect((await fetch(`${server.url}/releasestream/okd/release/nope`)).status).toBe(404);
  });

  it("sends a change event on /events when a stream changes", async () => {
    const controller = new AbortController();
    const response = await fetch(`${server.url}/events`, { signal: controller.signal });
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    const reader = response.body?.getReader();
    if (reader === undefined) throw new Error("no body");
    let text = "";
    const first = await reader.read();
    text += new TextDecoder().decode(first.value);
    emit("ReleaseStream");
    while (!text.includes("event: change")) {
      const chunk = await reader.read();
      if (chunk.done) break;
      text += new TextDecoder().decode(chunk.value);
    }
    expect(text).toContain("event: change");
    controller.abort();
  });

  it("refuses event streams beyond maxEventClients with 503 rather than holding them all", async () => {
    const small = await startWebServer({
      host: "127.0.0.1",
      port: 0,
      source: webSourceOf(streams, builds, () => undefined),
      readRelease,
      logger: pino({ level: "silent" }),
      maxEventClients: 1,
    });
    const controller = new AbortController();
    try {
      expect((await fetch(`${small.url}/events`, { signal: controller.signal })).status).toBe(200);
      const second = await fetch(`${small.url}/events`);
      expect(second.status).toBe(503);
      expect(second.headers.get("retry-after")).toBe("30");
    } finally {
      controller.abort();
      await small.close();
    }
  });

  describeWithTools(["chromium"])("in chromium", () => {
    let browser: Browser;
    beforeAll(async () => {
      browser = await launchChromium();
    });
    afterAll(async () => {
      await browser?.close();
    });

    it("shows a component name containing markup as text, and every link is reachable with Tab", async () => {
      const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
      const errors = collectPageErrors(page);
      await page.goto(`${server.url}/releasestream/okd/release/${P}-2026-12-02-000000`);
      const cell = page.locator("tr[data-component] td.component-name");
      expect(await cell.textContent()).toBe(NAME);
      expect(await page.locator("tr[data-component] img").count()).toBe(0);
      expect(await page.evaluate("window.__xss")).toBeUndefined();
      await screenshot(page, "web-server", "release-with-markup-name");
      // Ready: amber text on a pale yellow ground, and the word.
      const ready = page.locator(".badge[data-phase='Ready']").first();
      expect(await ready.textContent()).toContain("Ready");
      expect(await ready.evaluate(COLOR)).toBe("rgb(125, 78, 0)");
      // Keyboard: Tab walks the links in order and each one shows a focus ring.
      const links = await page.locator("a[href]").count();
      const tags: string[] = [];
      for (let i = 0; i < links; i++) {
        await page.keyboard.press("Tab");
        tags.push(
          String(
            await page.evaluate(
              "(() => { const e = document.activeElement; e.setAttribute('data-focused', 'yes'); return e.tagName; })()",
            ),
          ),
        );
      }
      expect(tags.every((t) => t === "A")).toBe(true);
      expect(await page.locator("a[href][data-focused]").count()).toBe(links);
      const outline = await page.evaluate("getComputedStyle(document.activeElement).outlineStyle");
      expect(outline).toBe("solid");
      await page.keyboard.press("Shift+Tab");
      await page.keyboard.press("Enter");
      await page.waitForLoadState();
      expect(errors).toEqual([]);
      await page.close();
    });
  });
});
