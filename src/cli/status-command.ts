/**
 * `payloadctl status NAME [-n NS] [-w]`: a PayloadBuild's progress for humans: phase, the Ready
 * condition, landed/building/waiting counts (with a progress bar on a terminal), failing and
 * blocked components with their messages, and the release pullspec@digest. With `-w` it follows
 * the build until it succeeds or fails; the exit status is then 0 for Succeeded and 1 otherwise. A
 * cluster that stops answering while watching ends the watch with one line saying so (exit 1).
 */
import { Command } from "commander";
import {
  PayloadBuildStatusSchema,
  findCondition,
  type ComponentStatus,
  type PayloadBuildStatus,
} from "../api/index.js";
import { createKubeClient, type KubeClient } from "../kube/kube-client.js";
import { KubeApiError, isNotFound } from "../kube/kube-errors.js";
import type { KubeObject } from "../kube/kube-object.js";
import { loadKubeConfig, namespaceOf } from "../main.js";
import { PAYLOAD_BUILDS } from "../payload-build/payload-build-controller.js";
import { CliError, processIo, type CliIo } from "./cli-io.js";

/** Rendering options. */
export interface RenderOptions {
  /** Draw a progress bar (on a terminal). */
  readonly tty: boolean;
  /** Bar width in characters. */
  readonly barWidth?: number;
}

const FINAL_PHASES = new Set(["Succeeded", "Failed", "Invalid"]);

function bar(done: number, total: number, width: number): string {
  const filled = total === 0 ? width : Math.round((done / total) * width);
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}]`;
}

function componentLines(title: string, components: readonly ComponentStatus[], limit: number): string[] {
  if (components.length === 0) return [];
  const lines = [`${title}:`];
  for (const c of components.slice(0, limit)) lines.push(`  ${c.name}: ${c.message ?? c.state}`);
  if (components.length > limit) lines.push(`  ... and ${components.length - limit} more`);
  return lines;
}

/** Renders a PayloadBuild's status as text lines (pure). */
export function renderPayloadBuildStatus(payloadBuild: KubeObject, options: RenderOptions): string {
  const parsed = PayloadBuildStatusSchema.safeParse(payloadBuild["status"] ?? {});
  const status: PayloadBuildStatus = parsed.success ? parsed.data : {};
  const meta = payloadBuild.metadata;
  const lines = [`PayloadBuild ${meta.namespace ?? ""}/${meta.name}`];
  const generation = meta.generation;
  const stale =
    status.observedGeneration !== undefined &&
    generation !== undefined &&
    status.observedGeneration < generation;
  lines.push(
    `Phase:    ${status.phase ?? "Pending (not yet reconciled)"}${stale ? ` (status is of generation ${status.observedGeneration}, spec is at ${generation})` : ""}`,
  );
  const ready = findCondition(status.conditions, "Ready");
  if (ready !== undefined)
    lines.push(`Ready:    ${ready.status} (${ready.reason}) ${ready.message.split("\n")[0] ?? ""}`);
  if (status.phase === "Invalid" && ready !== undefined) {
    for (const line of ready.message.split("\n").slice(1)) lines.push(`  ${line}`);
  }
  const counts = status.counts;
  if (counts !== undefined) {
    const summary = `${counts.landed}/${counts.total} landed, ${counts.building} building, ${counts.waiting} waiting, ${counts.failed} failed, ${counts.blocked} blocked`;
    lines.push(
      options.tty
        ? `Progress: ${bar(counts.landed, counts.total, options.barWidth ?? 30)} ${summary}`
        : `Progress: ${summary}`,
    );
  }
  const components = status.components ?? [];
  lines.push(
    ...componentLines(
      "Failed",
      components.filter((c) => c.state === "Failed"),
      10,
    ),
  );
  lines.push(
    ...componentLines(
      "Blocked",
      components.filter((c) => c.state === "Blocked"),
      5,
    ),
  );
  const retrying = components.filter((c) => c.state !== "Failed" && (c.message ?? "").startsWith("retrying"));
  lines.push(...componentLines("Retrying", retrying, 5));
  const degraded = findCondition(status.conditions, "Degraded");
  if (
    degraded?.status === "True" &&
    degraded.reason !== "ComponentFailed" &&
    degraded.reason !== "InvalidSpec"
  ) {
    lines.push(`Degraded: ${degraded.reason}: ${degraded.message}`);
  }
  if (status.release?.digest !== undefined) {
    lines.push(`Release:  ${status.release.name} ${status.release.image ?? status.release.digest}`);
  }
  return `${lines.join("\n")}\n`;
}

async function fetchPayloadBuild(client: KubeClient, namespace: string, name: string): Promise<KubeObject> {
  try {
    return await client.get(PAYLOAD_BUILDS, { namespace, name });
  } catch (error) {
    if (isNotFound(error)) throw new CliError(`PayloadBuild ${namespace}/${name} not found`);
    throw error;
  }
}

function phaseOf(payloadBuild: KubeObject): string | undefined {
  const status = payloadBuild["status"];
  if (typeof status !== "object" || status === null) return undefined;
  const phase = (status as Record<string, unknown>)["phase"];
  return typeof phase === "string" ? phase : undefined;
}

interface StatusFlags {
  namespace?: string;
  watch?: boolean;
  kubeconfig?: string;
  interval: string;
}

/** Builds the `status` command. */
export function statusCommand(io: CliIo = processIo): Command {
  return new Command("status")
    .description("Show a PayloadBuild's progress: phase, counts, failing components, the release")
    .argument("<name>", "PayloadBuild name")
    .option("-n, --namespace <ns>", "namespace (default: the kubeconfig context's)")
    .option("-w, --watch", "follow until the build succeeds or fails (exit 0 on success, 1 otherwise)")
    .option("--kubeconfig <file>", "kubeconfig file (default: $KUBECONFIG or ~/.kube/config)")
    .option("--interval <ms>", "polling interval with --watch", "1000")
    .action(async (name: string, flags: StatusFlags) => {
      const kubeConfig = loadKubeConfig(flags.kubeconfig);
      const namespace = namespaceOf(kubeConfig, flags.namespace);
      const client = createKubeClient(kubeConfig);
      const tty = (io.stdout as { isTTY?: boolean }).isTTY === true;
      const interval = Math.max(100, Number(flags.interval) || 1000);
      let last = "";
      for (;;) {
        let payloadBuild: KubeObject;
        try {
          payloadBuild = await fetchPayloadBuild(client, namespace, name);
        } catch (error) {
          // While watching, the cluster going away (the demo or `payloadctl dev` stopped) ends the
          // watch with one line saying so, not a stack of request errors.
          if (flags.watch !== true || last === "" || !(error instanceof KubeApiError) || error.code !== 0)
            throw error;
          io.stdout.write(
            `\nthe cluster went away; stopped watching PayloadBuild ${namespace}/${name} (last seen above): ${error.message}\n`,
          );
          io.setExitCode(1);
          return;
        }
        const text = renderPayloadBuildStatus(payloadBuild, { tty });
        if (text !== last) io.stdout.write(flags.watch === true && last !== "" ? `\n${text}` : text);
        last = text;
        const phase = phaseOf(payloadBuild);
        const current =
          (payloadBuild["status"] as { observedGeneration?: number } | undefined)?.observedGeneration ===
          payloadBuild.metadata.generation;
        if (flags.watch !== true) return;
        if (phase !== undefined && FINAL_PHASES.has(phase) && current) {
          if (phase !== "Succeeded") io.setExitCode(1);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, interval));
      }
    });
}
