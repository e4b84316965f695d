/**
 * `payloadctl releases STREAM [-n NS] [-o text|json] [-w]`: a ReleaseStream's releases the way
 * release-controller's release page lists them: newest first, name, phase (coloured on a terminal:
 * green Accepted, red Rejected/Failed, yellow Ready/Pending), age, digest and the verification
 * results. `-w` prints the table again whenever it changes, until interrupted.
 */
import { Command, InvalidArgumentError } from "commander";
import { ReleaseStreamStatusSchema, type ReleaseStreamStatus, type StreamRelease } from "../api/index.js";
import { createKubeClient, type KubeClient } from "../kube/kube-client.js";
import { isNotFound } from "../kube/kube-errors.js";
import type { KubeObject } from "../kube/kube-object.js";
import { loadKubeConfig, namespaceOf } from "../main.js";
import { RELEASE_STREAMS } from "../release-stream/release-stream-objects.js";
import { CliError, processIo, type CliIo } from "./cli-io.js";

const COLOURS: Record<string, string> = {
  Accepted: "\u001b[32m",
  Rejected: "\u001b[31m",
  Failed: "\u001b[31m",
  Ready: "\u001b[33m",
  Pending: "\u001b[33m",
};
const RESET = "\u001b[0m";

/** `3m`, `2h`, `5d`: how long ago `iso` was, as kubectl prints ages. */
export function formatAge(iso: string | undefined, nowMs: number): string {
  const at = Date.parse(iso ?? "");
  if (Number.isNaN(at)) return "-";
  const s = Math.max(0, Math.floor((nowMs - at) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  if (s < 172_800) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86_400)}d`;
}

function verificationText(r: StreamRelease): string {
  const v = r.verifications ?? [];
  if (v.length === 0) return "-";
  return v
    .map((x) => {
      const mark = x.state === "Succeeded" ? "ok" : x.state === "Failed" ? "failed" : x.state.toLowerCase();
      const tries = (x.attempts ?? 0) > 1 ? ` (${(x.attempts ?? 1) - 1} retries)` : "";
      return `${x.name}${x.optional === true ? "?" : ""}=${mark}${tries}`;
    })
    .join(", ");
}

/** Renders the releases of a stream as a table (pure). */
export function renderReleases(
  stream: KubeObject,
  status: ReleaseStreamStatus,
  options: { readonly tty: boolean; readonly nowMs: number },
): string {
  const releases = status.releases ?? [];
  const header = `ReleaseStream ${stream.metadata.namespace ?? ""}/${stream.metadata.name}  latest: ${status.latest ?? "-"}  accepted: ${status.latestAccepted ?? "-"}`;
  if (releases.length === 0) return `${header}\nno releases yet\n`;
  const rows = releases.map((r) => [
    r.name,
    r.phase,
    formatAge(r.createdAt, options.nowMs),
    r.digest === undefined ? "-" : r.digest.slice(0, 19),
    verificationText(r),
  ]);
  const titles = ["NAME", "PHASE", "AGE", "DIGEST", "VERIFICATION"];
  const widths = titles.map((t, i) => Math.max(t.length, ...rows.map((row) => (row[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => {
        const padded = i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0);
        return i === 1 && options.tty && COLOURS[c] !== undefined ? `${COLOURS[c]}${padded}${RESET}` : padded;
      })
      .join("  ")
      .trimEnd();
  const messages = releases
    .filter((r) => (r.phase === "Rejected" || r.phase === "Failed") && r.message !== undefined)
    .map((r) => `  ${r.name}: ${r.reason ?? r.phase}: ${r.message ?? ""}`);
  return `${[header, line(titles), ...rows.map(line), ...messages].join("\n")}\n`;
}

/** The JSON form: the stream's name and its status' releases, latest and latestAccepted. */
export function releasesJson(stream: KubeObject, status: ReleaseStreamStatus): string {
  return `${JSON.stringify(
    {
      name: stream.metadata.name,
      namespace: stream.metadata.namespace,
      latest: status.latest ?? null,
      latestAccepted: status.latestAccepted ?? null,
      releases: status.releases ?? [],
    },
    null,
    2,
  )}\n`;
}

async function fetchStream(client: KubeClient, namespace: string, name: string): Promise<KubeObject> {
  try {
    return await client.get(RELEASE_STREAMS, { namespace, name });
  } catch (error) {
    if (isNotFound(error)) throw new CliError(`ReleaseStream ${namespace}/${name} not found`);
    throw error;
  }
}

interface ReleasesFlags {
  namespace?: string;
  output: string;
  watch?: boolean;
  kubeconfig?: string;
  interval: string;
}

/** Builds the `releases` command. */
export function releasesCommand(io: CliIo = processIo, now: () => number = Date.now): Command {
  return new Command("releases")
    .description("List a ReleaseStream's releases: name, phase, age, digest, verification results")
    .argument("<stream>", "ReleaseStream name")
    .option("-n, --namespace <ns>", "namespace (default: the kubeconfig context's)")
    .option("-o, --output <format>", "text or json", "text")
    .option("-w, --watch", "print the table again whenever it changes (Ctrl-C stops)")
    .option("--kubeconfig <file>", "kubeconfig file (default: $KUBECONFIG or ~/.kube/config)")
    .option("--interval <ms>", "polling interval with --watch", "1000")
    .action(async (name: string, flags: ReleasesFlags) => {
      if (flags.output !== "text" && flags.output !== "json")
        throw new InvalidArgumentError(`-o ${flags.output}: must be text or json`);
      const kubeConfig = loadKubeConfig(flags.kubeconfig);
      const namespace = namespaceOf(kubeConfig, flags.namespace);
      const client = createKubeClient(kubeConfig);
      const tty = (io.stdout as { isTTY?: boolean }).isTTY === true;
      const interval = Math.max(100, Number(flags.interval) || 1000);
      let last = "";
      for (;;) {
        const stream = await fetchStream(client, namespace, name);
        const parsed = ReleaseStreamStatusSchema.safeParse(stream["status"] ?? {});
        const status = parsed.success ? parsed.data : {};
        const text =
          flags.output === "json"
            ? releasesJson(stream, status)
            : renderReleases(stream, status, { tty, nowMs: now() });
        if (text !== last) io.stdout.write(flags.watch === true && last !== "" ? `\n${text}` : text);
        last = text;
        if (flags.watch !== true) return;
        await new Promise((resolve) => setTimeout(resolve, interval));
      }
    });
}
