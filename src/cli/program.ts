/**
 * The `payloadctl` program: composition only. Each subcommand lives in its own file under
 * `src/cli/` and exports a function returning a commander `Command`; it is registered here.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Command } from "commander";
import { z } from "zod";
import { packageRoot } from "./package-root.js";
import { assembleCommand } from "./assemble-command.js";
import { releaseInfoCommand } from "./release-info-command.js";
import { importBuildConfigsCommand } from "./import-buildconfigs-command.js";
import { planCommand } from "./plan-command.js";
import { simulateCommand } from "./simulate-command.js";
import { validateCommand } from "./validate-command.js";
import { operatorCommand } from "./operator-command.js";
import { releasesCommand } from "./releases-command.js";
import { statusCommand } from "./status-command.js";

/** `payloadctl VERSION (Node.js vX)`: the package version, read from its package.json. */
export function payloadctlVersion(): string {
  const manifest = z
    .object({ version: z.string() })
    .parse(JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")));
  return `payloadctl ${manifest.version} (Node.js ${process.version})`;
}

/**
 * Builds the `payloadctl` program with every subcommand registered, the dev-only ones
 * (`loadDevOnlyCommands`: `dev`, `demo`, or their placeholders) last. Never exits the process.
 */
export function buildProgram(devOnlyCommands: readonly Command[] = []): Command {
  const program = new Command("payloadctl")
    .description("Plan, build and assemble OKD release payloads")
    .version(payloadctlVersion(), "-V, --version", "print the version")
    .showHelpAfterError();
  // Subcommands, one `program.addCommand(...)` line each, in the order `payloadctl --help` lists them.
  program.addCommand(validateCommand());
  program.addCommand(planCommand());
  program.addCommand(simulateCommand());
  program.addCommand(importBuildConfigsCommand());
  program.addCommand(assembleCommand());
  program.addCommand(releaseInfoCommand());
  program.addCommand(operatorCommand());
  program.addCommand(statusCommand());
  program.addCommand(releasesCommand());
  for (const command of devOnlyCommands) program.addCommand(command);
  return program;
}
