#!/usr/bin/env node
/**
 * `payloadctl`: the command-line entry point. Composition only: each subcommand lives in its own
 * file under `src/cli/` and is registered here.
 */
import { Command } from "commander";

/** Builds the `payloadctl` program with every subcommand registered. */
export function buildProgram(): Command {
  const program = new Command("payloadctl")
    .description("Plan, build and assemble OKD release payloads")
    .showHelpAfterError()
    .exitOverride();
  // Subcommands: one line each, in the order `payloadctl --help` lists them.
  return program;
}

async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    const code = (error as { exitCode?: unknown }).exitCode;
    if (typeof code === "number") process.exit(code);
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}

await main(process.argv);
