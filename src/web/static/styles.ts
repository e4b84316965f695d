/**
 * The UI's stylesheet, served at `/static/app.css` (nothing comes from a CDN). Colours meet WCAG AA
 * contrast on their backgrounds, and every colour-coded state also carries its name in text.
 */
export const STYLESHEET = `
:root { color-scheme: light; --fg: #1f2328; --muted: #57606a; --line: #d0d7de; --bg: #ffffff; --soft: #f6f8fa;
  --ok: #116329; --ok-bg: #dafbe1; --bad: #a40e26; --bad-bg: #ffebe9; --warn: #7d4e00; --warn-bg: #fff8c5;
  --run: #0550ae; --run-bg: #ddf4ff; --idle: #424a53; --idle-bg: #eaeef2; --block: #8a4600; --block-bg: #fff1e5; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; color: var(--fg); background: var(--bg); }
header.top { background: #24292f; color: #fff; padding: 0.5rem 1.25rem; display: flex; gap: 1.5rem; align-items: center; flex-wrap: wrap; }
header.top a { color: #fff; }
header.top .brand { font-weight: 600; text-decoration: none; }
main { max-width: 1280px; margin: 0 auto; padding: 1rem 1.25rem 3rem; }
a { color: #0550ae; }
a:focus-visible, button:focus-visible, summary:focus-visible, [tabindex]:focus-visible { outline: 3px solid #0969da; outline-offset: 2px; }
h1 { font-size: 1.6rem; margin: 0.5rem 0 0.75rem; word-break: break-all; }
h2 { font-size: 1.25rem; margin: 1.75rem 0 0.5rem; border-bottom: 1px solid var(--line); padding-bottom: 0.25rem; }
table { border-collapse: collapse; width: 100%; margin: 0.5rem 0 1rem; }
th, td { text-align: left; padding: 0.35rem 0.6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--soft); font-weight: 600; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.86em; word-break: break-all; }
.muted { color: var(--muted); }
.badge { display: inline-block; padding: 0.05rem 0.5rem; border-radius: 1rem; font-weight: 600; font-size: 0.85em; border: 1px solid currentColor; white-space: nowrap; }
.phase-accepted, .state-landed, .state-reused, .state-succeeded, .result-success, .phase-succeeded { color: var(--ok); background: var(--ok-bg); }
.phase-rejected, .phase-failed, .state-failed, .result-failure, .phase-invalid { color: var(--bad); background: var(--bad-bg); }
.phase-ready, .phase-pending, .state-pending, .result-pending, .phase-assembling { color: var(--warn); background: var(--warn-bg); }
.state-building, .state-running, .phase-building { color: var(--run); background: var(--run-bg); }
.state-waiting { color: var(--idle); background: var(--idle-bg); }
.state-blocked { color: var(--block); background: var(--block-bg); }
.progress { height: 1.1rem; background: var(--idle-bg); border-radius: 0.3rem; overflow: hidden; border: 1px solid var(--line); max-width: 40rem; }
.progress > span { display: block; height: 100%; background: #1a7f37; }
.counts { display: flex; gap: 0.5rem; flex-wrap: wrap; margin: 0.5rem 0; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; margin: 0.5rem 0 1rem; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
.scroll { overflow-x: auto; border: 1px solid var(--line); border-radius: 0.3rem; background: #fff; }
svg text { font: 12px system-ui, sans-serif; }
svg .node rect { stroke: #57606a; stroke-width: 1; }
svg .node.critical rect { stroke: #000; stroke-width: 3; }
svg .edge { stroke: #8c959f; stroke-width: 1.2; fill: none; }
svg .edge.critical { stroke: #000; stroke-width: 2.5; }
svg .fill-landed, svg .fill-reused { fill: var(--ok-bg); } svg .fill-building { fill: var(--run-bg); } svg .fill-waiting { fill: var(--idle-bg); }
svg .fill-failed { fill: var(--bad-bg); } svg .fill-blocked { fill: var(--block-bg); }
svg .span-wait { fill: #d0d7de; } svg .span-run { fill: #218bff; } svg .span-landed { fill: #2da44e; } svg .span-failed { fill: #cf222e; }
pre.log { background: #24292f; color: #f6f8fa; padding: 0.6rem; border-radius: 0.3rem; overflow-x: auto; white-space: pre-wrap; }
.legend { display: flex; gap: 0.75rem; flex-wrap: wrap; font-size: 0.9em; margin: 0.25rem 0; }
.live-status { font-size: 0.85em; color: var(--muted); }
.alert { border: 1px solid var(--bad); background: var(--bad-bg); color: var(--bad); padding: 0.5rem 0.75rem; border-radius: 0.3rem; }
`;
