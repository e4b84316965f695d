/**
 * The `payloadctl` program: composition only. Each subcommand lives in its own file under
 * `src/cli/` and exports a function returning a commander `Command`; it is registered here.
 */
import { Command } from "commander";

/** Builds the `payloadctl` program with every subcommand registered. Never exits the process. */
export function buildProgram(): Command {
  const program = new Command("payloadctl")
    .description("Plan, build and assemble OKD release payloads")
    .showHelpAfterError();
  // Subcommands, one `program.addCommand(...)` line each, in the order `payloadctl --help` lists them.
  return program;
}
