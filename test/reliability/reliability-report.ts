/**
 * docs/reliability.md from a harness run (pure): what was injected, how often, what was checked and
 * the result of each scenario. The sections other harnesses write (`## Hostile input and secrets`,
 * `## Cost under load`) are carried over from the existing file unchanged.
 */
import { quantile } from "./audit-checks.js";
import { API_FAULTS, REGISTRY_FAULTS, type ReliabilityResults } from "./reliability-run.js";
import { LEASE_DURATION_MS } from "./failover-scenario.js";

/** Headings of the sections written by others and kept as they are. */
export const PRESERVED_SECTIONS = ["Hostile input and secrets", "Cost under load"] as const;

/** The `## heading` sections of `markdown` named in {@link PRESERVED_SECTIONS}, heading line included. */
export function preservedSections(markdown: string | undefined): string[] {
  if (markdown === undefined) return [];
  const sections: string[] = [];
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const heading = /^## (.+?)\s*$/.exec(lines[i] ?? "")?.[1];
    if (heading === undefined || !(PRESERVED_SECTIONS as readonly string[]).includes(heading)) continue;
    let end = i + 1;
    while (end < lines.length && !/^## /.test(lines[end] ?? "")) end++;
    sections.push(lines.slice(i, end).join("\n").trimEnd());
    i = end - 1;
  }
  return sections;
}

const seconds = (ms: number | undefined) => (ms === undefined ? "n/a" : `${(ms / 1000).toFixed(1)} s`);
const pct = (rate: number) => `${Math.round(rate * 100)}%`;
const yes = (ok: boolean) => (ok ? "yes" : "**NO**");

/** The whole document: a run's results and the preserved sections of `existing`. */
export function renderReliabilityDoc(
  r: ReliabilityResults,
  run: { readonly date: string; readonly command: string },
  existing: string | undefined,
): string {
  const c = r.crash;
  const a = r.apiFaults;
  const g = r.registryFaults;
  const f = r.failover;
  const sameDigest = (x: string | undefined, y: string | undefined) => x !== undefined && x === y;
  const lines = [
    "# Reliability",
    "",
    `Written by \`${run.command}\` (${run.date}, ${seconds(r.wallMs)} in all) from the harness in`,
    "`test/reliability/`; everything but the sections other harnesses write is rewritten on each run.",
    "CI runs the same scenarios smaller (`test/reliability/reliability.e2e.test.ts`) and asserts the same properties.",
    "Simulated builds take 1 to 4 s each (seeded random), a tenth of the components fail their first build;",
    "Builds are counted from the API server's audit log (successful creates, by name).",
    "",
    "## Crashes",
    "",
    `Injected: the operator SIGKILLed ${c.kills} times during a ${c.components}-component build on the real control plane`,
    "(etcd + kube-apiserver + kube-controller-manager), each time at a random moment up to 3 s after the restarted",
    `process's first useful write, and started again (${c.leaderElect ? "with" : "without"} leader election, so a restart waits for no Lease).`,
    "Checked: every Build of every attempt created exactly once (kube-apiserver audit log), the release digest",
    "against an undisturbed run of the same PayloadBuild, Ready=True, and the time from each restart to the",
    "first useful write (a successful write other than the Lease and Events).",
    "",
    `Result: ${c.kills} kills, ${c.components} components: ${c.duplicateCreations.length} duplicate builds,`,
    `${c.creations} Build creations for ${c.expectedBuilds.length} expected, same digest: ${yes(sameDigest(c.digest, c.undisturbedDigest))},`,
    `Ready: ${yes(c.ready)}, recovery p50 ${seconds(quantile(c.recoveryMs, 0.5))}, max ${seconds(quantile(c.recoveryMs, 1))}`,
    `(restart to first useful write; of which the new process starting up to its first API request: p50`,
    `${seconds(quantile(c.startupMs, 0.5))}, max ${seconds(quantile(c.startupMs, 1))}, \`node --import tsx\` on a shared 2-core machine),`,
    `${seconds(c.wallMs)} for both runs.`,
    "",
    "## API faults",
    "",
    `Injected on the dev cluster (only it can): ${pct(API_FAULTS.writeFailureRate)} of the operator's writes answered 409, 429`,
    `(Retry-After: ${API_FAULTS.retryAfterSeconds} s) or 500, every watch stream ended after ${API_FAULTS.watchLifetimeMs[0] / 1000} to ${API_FAULTS.watchLifetimeMs[1] / 1000} s,`,
    `and the watch history dropped every ${API_FAULTS.compactEveryMs / 1000} s so resumed watches get 410 Gone, during a ${a.components}-component build.`,
    "Writes were all answered 429 until three had been, then the mix.",
    "Checked: the same as for crashes, and that no request answered 429 was sent again before its Retry-After",
    "elapsed (the next identical request in the audit log). Before the kube client waited for Retry-After",
    "itself (as client-go's does), the harness found the operator resending throttled creates and status writes",
    "35 to 276 ms after a 429 that asked for 1 s (the work queue's Retry-After delay does not hold back a reconcile a watch event requeues).",
    "",
    `Result: ${a.writes} writes, of which answered 409: ${a.failedWrites[409]}, 429: ${a.failedWrites[429]}, 500: ${a.failedWrites[500]};`,
    `${a.watches} watch requests, ${a.lists} relists after 410 Gone, ${a.compactions} compactions: ${a.duplicateCreations.length} duplicate builds, same digest:`,
    `${yes(sameDigest(a.digest, a.undisturbedDigest))}, Ready: ${yes(a.ready)}, requests sent again before Retry-After: ${a.retryAfter.violations.length}`,
    `of ${a.retryAfter.throttled} throttled, ${seconds(a.wallMs)} for both runs.`,
    "",
    "## Registry faults",
    "",
    "Injected: a proxy of ours (`test/reliability/registry-fault-proxy.ts`) in front of both `docker-registry`",
    `instances (the one builds push components to, and the release destination): ${pct(REGISTRY_FAULTS.errorRate)} of requests answered`,
    `500/502/503, ${pct(REGISTRY_FAULTS.resetRate)} of blob transfers reset half-way, ${pct(REGISTRY_FAULTS.slowRate)} delayed ${REGISTRY_FAULTS.slowMs} ms, during the`,
    `component pushes and the release assembly of a ${g.components}-component build.`,
    "Checked: `skopeo copy` of the release and of every component image it names, from the registry itself, to an",
    "OCI layout (every blob present), the digest against an undisturbed run, or a condition saying why.",
    "",
    `Result: ${g.injected.requests} registry requests, ${g.injected.errors} answered 5xx, ${g.injected.resets} reset, ${g.injected.slow} slowed:`,
    `Ready: ${yes(g.ready)}, ${g.imagesComplete} of ${g.imagesChecked} images complete, same digest: ${yes(sameDigest(g.digest, g.undisturbedDigest))},`,
    `${g.extraBuilds} builds retried after a failed push, ${g.duplicateCreations.length} duplicate builds.`,
    ...(g.messages.length === 0
      ? []
      : [
          "",
          "What the PayloadBuild said meanwhile:",
          "",
          ...g.messages.slice(0, 5).map((m) => `- ${m.slice(0, 300)}`),
        ]),
    "",
    "## Failover",
    "",
    "Injected: two operator replicas with leader election on the real control plane (a real Lease, identities and",
    `User-Agents \`okd-payload-operator/<identity>\`), the leader SIGKILLed mid-build (${f.components} components).`,
    `Checked: the standby takes the Lease within the lease duration (${LEASE_DURATION_MS / 1000} s; client-go's algorithm adds up to two`,
    "retry periods), the spans of the two replicas' writes in the audit log never overlap, the standby writes",
    "nothing before it leads, every Build created once, Ready=True.",
    "",
    `Result: takeover ${seconds(f.takeoverAfterKillMs)} after the kill, ${seconds(f.takeoverAfterLastRenewMs)} after the dead leader's last renewal;`,
    `overlapping writers: ${f.overlaps}, standby writes before leading: ${f.standbyWritesBeforeLeading}, duplicate builds:`,
    `${f.duplicateCreations.length}, Ready: ${yes(f.ready)}.`,
    "",
    "## Refused writes",
    "",
    "Not part of this run; covered on the real control plane by two e2e tests of `npm test`:",
    "",
    "- `test/e2e/rbac-refusals.real.e2e.test.ts`: with `create builds` missing from the ClusterRole, or refused by",
    "  admission (`OwnerReferencesPermissionEnforcement`, OpenShift's BuildByStrategy), the PayloadBuild says",
    "  `Degraded=True` `WriteRefused` naming the verb, the resource and the server's message while the operator",
    "  keeps running, and finishes once the grant is back.",
    "- `test/e2e/refused-writes.real.e2e.test.ts`: a ValidatingAdmissionPolicy refuses one component's Build while",
    "  the others' are accepted: `Degraded` names that write (verb, resource, object, code, the policy's message),",
    "  the accepted attempts are in the status and were made once each (audit log), the refused component stays",
    "  Waiting with no attempt counted, and the build finishes once the policy is gone.",
    "",
    ...preservedSections(existing).flatMap((s) => [s, ""]),
  ];
  return `${lines.join("\n").trimEnd()}\n`;
}
