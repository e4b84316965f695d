/**
 * The `payloadctl` program: composition only. Each subcommand lives in its own file under
 * `src/cli/` and exports a function returning a commander `Command`; `command-catalog.ts` lists them
 * and imports the one that runs.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Command, Help } from "commander";
import { packageRoot } from "./package-root.js";
import { COMMAND_CATALOG, requestedCommand, type CommandEntry } from "./command-catalog.js";
import { DEV_ONLY_COMMANDS, devCommandsInstalled, devOnlyPlaceholder } from "./dev-only-commands.js";

/** `payloadctl VERSION (Node.js vX)`: the package version, read from its package.json. */
export function payloadctlVersion(): string {
  const manifest: unknown = JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8"));
  const version = (manifest as { version?: unknown } | null)?.version;
  if (typeof version !== "string") throw new Error(`${packageRoot()}/package.json has no "version"`);
  return `payloadctl ${version} (Node.js ${process.version})`;
}

/** The placeholder of a dev-only command whose module is not installed (the image), else `undefined`. */
function placeholderOf(entry: CommandEntry, devInstalled: boolean): Command | undefined {
  const placeholder = DEV_ONLY_COMMANDS.find((c) => c.name === entry.name);
  return placeholder !== undefined && !devInstalled
    ? devOnlyPlaceholder(placeholder.name, placeholder.description)
    : undefined;
}

/**
 * Builds the `payloadctl` program for `argv` (as `process.argv`): every subcommand is listed, and only
 * the one `argv` runs or asks help for ({@link requestedCommand}) is imported and registered for real,
 * so a command starts without loading the others. The options are for tests. Never exits the process.
 */
export async function buildProgram(
  argv: readonly string[],
  options: {
    readonly load?: (entry: CommandEntry) => Promise<Command>;
    readonly devCommandsInstalled?: boolean;
  } = {},
): Promise<Command> {
  const load = options.load ?? ((entry: CommandEntry) => entry.load());
  const devInstalled = options.devCommandsInstalled ?? devCommandsInstalled();
  const requested = requestedCommand(argv);
  const listed = new Map<Command, CommandEntry>();
  const program = new Command("payloadctl")
    .description("Plan, build and assemble OKD release payloads")
    .version(payloadctlVersion(), "-V, --version", "print the version")
    .showHelpAfterError()
    .configureHelp({
      // A listed-only command has no options or arguments of its own: show the real command's usage.
      subcommandTerm: (command) => {
        const entry = listed.get(command);
        return entry === undefined ? new Help().subcommandTerm(command) : `${entry.name} ${entry.usage}`;
      },
    });
  for (const entry of COMMAND_CATALOG) {
    if (entry === requested) {
      program.addCommand(await load(entry));
      continue;
    }
    // A command that does not run is listed only (never parsed: argv does not name it).
    const placeholder = placeholderOf(entry, devInstalled);
    const listedOnly = placeholder ?? new Command(entry.name).description(entry.description);
    if (placeholder === undefined) listed.set(listedOnly, entry);
    program.addCommand(listedOnly);
  }
  return program;
}
