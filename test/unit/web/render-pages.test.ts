import { describe, expect, it } from "vitest";
import { escapeHtml, html } from "../../../src/web/html.js";
import { payloadBuildModel } from "../../../src/web/payload-build-model.js";
import { streamModels } from "../../../src/web/release-streams-model.js";
import { renderDocument } from "../../../src/web/render-layout.js";
import { payloadBuildPage } from "../../../src/web/render-payload-build.js";
import { releasePage } from "../../../src/web/render-release-page.js";
import { streamsOverviewPage } from "../../../src/web/render-release-pages.js";
import { digest, streamObject } from "./web-fixtures.js";

const HOSTILE = `<script>alert("x")</script>&'`;
/** Markup with runs of whitespace collapsed and none before a tag's end (the templates are formatted by prettier). */
const squash = (text: string) => text.replace(/\s+/g, " ").replace(/\s+(\/?>)/g, "$1");

describe("HTML escaping", () => {
  it("escapes every interpolated value, nested fragments once", () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&\``)).toBe(
      "&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&#96;",
    );
    expect(html`<p title="${HOSTILE}">${html`<b>${HOSTILE}</b>`}</p>`.value).toBe(
      `<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;"><b>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;</b></p>`,
    );
  });

  it("a release page with a component, a label and a message containing markup carries none of it as markup", () => {
    const [stream] = streamModels([
      streamObject("s", "4.17.0-0.okd", [
        {
          name: "4.17.0-0.okd-2026-12-02-000000",
          phase: "Rejected",
          digest: digest("b"),
          verifications: [{ name: "e2e", state: "Failed", message: HOSTILE }],
        },
      ]),
    ]);
    if (stream === undefined) throw new Error("no stream");
    const release = stream.releases[0];
    if (release === undefined) throw new Error("no release");
    const page = renderDocument(
      releasePage({
        stream,
        release,
        previous: undefined,
        streams: [stream],
        nowMs: Date.parse("2026-12-02T00:01:00Z"),
        changelog: undefined,
        content: {
          name: release.name,
          digest: digest("b"),
          previous: [],
          components: [
            {
              name: HOSTILE,
              pullspec: `q@${digest("c")}`,
              digest: digest("c"),
              commitId: "abc",
              commitRef: HOSTILE,
              sourceLocation: `javascript:${HOSTILE}`,
              commitUrl: undefined,
            },
          ],
        },
      }),
    ).value;
    expect(page).not.toContain("<script>alert");
    expect(page).not.toContain('href="javascript:');
    expect(page).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    // The only script is the operator's own, by URL.
    expect(page.match(/<script/g)).toEqual(["<script"]);
    expect(page).toContain('<script src="/static/live.js" defer></script>');
  });

  it("phases carry their name and a class for the colour; Pending releases still link", () => {
    const streams = streamModels([
      streamObject("s", "4.17.0-0.okd", [
        { name: "4.17.0-0.okd-2026-12-01-000000", phase: "Accepted", digest: digest("a") },
        { name: "4.17.0-0.okd-2026-12-02-000000", phase: "Pending" },
      ]),
    ]);
    const live = squash(streamsOverviewPage(streams, Date.parse("2026-12-02T00:01:00Z"), true).live.value);
    expect(live).toMatch(
      /<span class="badge phase-accepted" data-phase="Accepted"><span aria-hidden="true">✓ <\/span>Accepted<\/span>/,
    );
    expect(live).toMatch(/class="badge phase-pending" data-phase="Pending">.*Pending<\/span>/);
    expect(live).toContain('href="/releasestream/s/release/4.17.0-0.okd-2026-12-02-000000"');
  });

  it("the build page draws every component and names the critical path in text too", () => {
    const pb = {
      apiVersion: "payload.okd.io/v1alpha1",
      kind: "PayloadBuild",
      metadata: { name: "okd", namespace: "ns" },
      spec: {
        imageStream: "r",
        components: [
          { name: "base", image: "quay.io/x/y:1" },
          { name: "cvo", source: { git: { uri: "https://github.com/x/cvo" } }, from: "base" },
        ],
      },
      status: {
        phase: "Building",
        plan: { levels: 2, criticalPath: ["base", "cvo"] },
        components: [
          { name: "base", state: "Landed" },
          { name: "cvo", state: "Building", startedAt: "2026-12-01T00:00:00Z" },
        ],
      },
    };
    const page = squash(
      payloadBuildPage(payloadBuildModel(pb, Date.parse("2026-12-01T00:00:10Z"))).live.value,
    );
    expect(page).toContain('data-component="base" data-state="Landed"');
    expect(page).toContain('<path class="edge critical" data-from="base" data-to="cvo"');
    expect(page).toContain("base → cvo");
  });

  it("a component reused from an earlier build is drawn as landed, with its own symbol and word", () => {
    const pb = {
      apiVersion: "payload.okd.io/v1alpha1",
      kind: "PayloadBuild",
      metadata: { name: "okd", namespace: "ns" },
      spec: {
        imageStream: "r",
        components: [{ name: "cli", source: { git: { uri: "https://github.com/x/cli" } } }],
      },
      status: {
        phase: "Building",
        components: [
          {
            name: "cli",
            state: "Reused",
            startedAt: "2026-12-01T00:00:00Z",
            completedAt: "2026-12-01T00:00:01Z",
          },
        ],
      },
    };
    const page = squash(
      payloadBuildPage(payloadBuildModel(pb, Date.parse("2026-12-01T00:00:10Z"))).live.value,
    );
    expect(page).toContain('data-component="cli" data-state="Reused"');
    expect(page).toContain("fill-reused");
    expect(page).toContain("↺");
    expect(page).toContain("span-landed");
  });
});
