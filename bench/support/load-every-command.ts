/**
 * The `payloadctl` start-up as it was before `command-catalog.ts`: every subcommand's module imported
 * (and the dev-only ones) before argv is parsed, then the top-level help printed. Run by
 * `bench/cli-startup.ts` as the baseline, with the same Node and tsx as `payloadctl`.
 */
import { Command } from "commander";
import { registerSlimClientNode } from "../../src/kube/slim-client-node.js";

registerSlimClientNode();
const { COMMAND_CATALOG } = await import("../../src/cli/command-catalog.js");
const program = new Command("payloadctl");
for (const entry of COMMAND_CATALOG) program.addCommand(await entry.load());
process.stdout.write(program.helpInformation());
