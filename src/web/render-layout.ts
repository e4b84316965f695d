/**
 * Page chrome and the small pieces every page uses: the HTML document, phase and state badges (a
 * colour AND the name in text, plus a symbol), ages. Everything goes through `html`, so values are
 * escaped.
 */
import { html, type HtmlValue, type SafeHtml } from "./html.js";

/** A page: its title, its body, and whether it updates live. */
export interface Page {
  readonly title: string;
  /** Content outside the live region (heading, breadcrumbs). */
  readonly head?: SafeHtml;
  /** Content of the live region (`<div id="live">`): swapped in place when the page updates. */
  readonly live: SafeHtml;
  /** Marks the page as live (loads `/static/live.js`). */
  readonly isLive: boolean;
}

/** The whole HTML document of `page`. */
export function renderDocument(page: Page): SafeHtml {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${page.title} · OKD payload operator</title>
        <link rel="stylesheet" href="/static/app.css" />
      </head>
      <body>
        <header class="top">
          <a class="brand" href="/">OKD payload operator</a>
          <nav aria-label="Main">
            <a href="/">Release streams</a> · <a href="/payloadbuilds">Payload builds</a> ·
            <a href="/graph">Upgrade graph (JSON)</a>
          </nav>
        </header>
        <main>
          ${page.head}
          ${page.isLive ? html`<p id="live-status" class="live-status" role="status">Live: connecting</p>` : ""}
          <div id="live">${page.live}</div>
        </main>
        ${page.isLive ? html`<script src="/static/live.js" defer></script>` : ""}
      </body>
    </html> `;
}

const SYMBOLS: Readonly<Record<string, string>> = {
  accepted: "✓",
  succeeded: "✓",
  landed: "✓",
  success: "✓",
  rejected: "✗",
  failed: "✗",
  failure: "✗",
  invalid: "✗",
  ready: "●",
  pending: "…",
  waiting: "…",
  building: "▶",
  running: "▶",
  assembling: "▶",
  blocked: "⊘",
};

/** A badge for a release phase, component state or job result: class `phase-x`/`state-x`, symbol and text. */
export function badge(kind: "phase" | "state" | "result", value: string, label: HtmlValue = value): SafeHtml {
  const key = value.toLowerCase();
  return html`<span class="${`badge ${kind}-${key}`}" data-${kind}="${value}"
    ><span aria-hidden="true">${SYMBOLS[key] ?? "•"} </span>${label}</span
  >`;
}

/** `45s`, `12m`, `3h`, `2d`: how long ago `iso` was (kubectl's ages). */
export function age(iso: string | undefined, nowMs: number): string {
  const at = Date.parse(iso ?? "");
  if (Number.isNaN(at)) return "-";
  const s = Math.max(0, Math.floor((nowMs - at) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  if (s < 172_800) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86_400)}d`;
}

/** An age with the timestamp as a machine-readable `<time>` and a tooltip. */
export function timeAgo(iso: string | undefined, nowMs: number): SafeHtml {
  if (iso === undefined) return html`<span class="muted">-</span>`;
  return html`<time datetime="${iso}" title="${iso}">${age(iso, nowMs)} ago</time>`;
}

/** A digest shortened for tables (`sha256:0123456789ab`), full in the tooltip. */
export function shortDigest(digest: string | undefined): SafeHtml {
  if (digest === undefined) return html`<span class="muted">-</span>`;
  return html`<code title="${digest}">${digest.slice(0, 19)}</code>`;
}
