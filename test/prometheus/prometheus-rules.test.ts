/**
 * The PrometheusRule's alerts, checked by Prometheus's own `promtool` (Debian's `prometheus`
 * package): `promtool check rules` on the rule groups taken out of the PrometheusRule that
 * `kubectl kustomize config/prometheus` renders (what users apply), and
 * `promtool test rules` with the scenarios of alerts.promtool-test.yaml (each alert firing when it
 * should, with its labels and rendered annotations, and silent when it should not).
 */
import { execFile } from "node:child_process";
import { copyFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { parseAllDocuments, stringify } from "yaml";
import { OPERATOR_ALERTS, prometheusRule } from "../../src/install/prometheus-rules.js";
import { describeWithTools } from "../support/required-tool.js";

const run = promisify(execFile);

const ROOT = join(import.meta.dirname, "../..");

describeWithTools(["promtool", "kubectl"])("PrometheusRule alerts under promtool", () => {
  let work = "";
  let rulesFile = "";

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "promtool-"));
    const { stdout } = await run("kubectl", ["kustomize", join(ROOT, "config/prometheus")]);
    const rendered = parseAllDocuments(stdout).map(
      (d) => d.toJS() as { kind?: string; spec?: { groups?: unknown[] } },
    );
    const rule = rendered.find((o) => o.kind === "PrometheusRule");
    expect(rule?.spec).toEqual((prometheusRule() as { spec?: unknown }).spec);
    // promtool reads a rules file: the PrometheusRule's spec (its `groups`) is exactly that.
    rulesFile = join(work, "prometheus_rule.rules.yaml");
    await writeFile(rulesFile, stringify({ groups: rule?.spec?.groups }, { lineWidth: 0 }));
    await copyFile(
      join(import.meta.dirname, "alerts.promtool-test.yaml"),
      join(work, "alerts.promtool-test.yaml"),
    );
  });

  afterAll(async () => {
    if (work !== "") await rm(work, { recursive: true, force: true });
  });

  it("promtool check rules accepts every rule", async () => {
    const { stdout } = await run("promtool", ["check", "rules", rulesFile]);
    expect(stdout).toContain(`SUCCESS: ${OPERATOR_ALERTS.length} rules found`);
  });

  it("promtool test rules: each alert fires when it should and not before", async () => {
    const result = await run("promtool", ["test", "rules", "alerts.promtool-test.yaml"], { cwd: work }).catch(
      (err: { stdout?: string; stderr?: string }) => {
        throw new Error(`promtool test rules failed:\n${err.stdout ?? ""}${err.stderr ?? ""}`);
      },
    );
    expect(result.stdout).toContain("SUCCESS");
  }, 120_000);
});
