import { Command, Help } from "commander";
import { describe, expect, it } from "vitest";
import { COMMAND_CATALOG, requestedCommand, type CommandEntry } from "../../../src/cli/command-catalog.js";
import { buildProgram } from "../../../src/cli/program.js";

const argv = (...args: string[]) => ["node", "payloadctl", ...args];

/** A `load` that records which commands were imported. */
function recordingLoad(): { loaded: string[]; load: (entry: CommandEntry) => Promise<Command> } {
  const loaded: string[] = [];
  return {
    loaded,
    load: (entry) => {
      loaded.push(entry.name);
      return entry.load();
    },
  };
}

describe("payloadctl command catalog", () => {
  it("lists each command with the usage and description its own module gives it", async () => {
    for (const entry of COMMAND_CATALOG) {
      const command = await entry.load();
      expect(command.name()).toBe(entry.name);
      expect(command.description()).toBe(entry.description);
      expect(new Help().subcommandTerm(command)).toBe(`${entry.name} ${entry.usage}`);
    }
  }, 60_000);

  it("gives the same top-level help as a program with every command loaded", async () => {
    const lazy = await buildProgram(argv("--help"));
    const full = new Command("payloadctl")
      .description(lazy.description())
      .version("x", "-V, --version", "print the version");
    for (const entry of COMMAND_CATALOG) full.addCommand(await entry.load());
    expect(lazy.helpInformation()).toBe(full.helpInformation());
    expect(lazy.helpInformation()).toMatch(/release-info \[options\] <image>\s+Show a release image's name/);
  }, 60_000);

  it("imports only the command that runs, or none for the top-level help and --version", async () => {
    for (const args of [[], ["--help"], ["-V"], ["help"], ["no-such-command"]]) {
      const { loaded, load } = recordingLoad();
      await buildProgram(argv(...args), { load });
      expect(loaded, args.join(" ")).toEqual([]);
    }
    for (const [args, name] of [
      [["assemble", "--to", "docker://r/x", "--name", "4.15.0"], "assemble"],
      [["help", "status"], "status"],
      [["release-info", "--help"], "release-info"],
    ] as const) {
      const { loaded, load } = recordingLoad();
      await buildProgram(argv(...args), { load });
      expect(loaded).toEqual([name]);
    }
  });

  it("reads the command name past options", () => {
    expect(requestedCommand(argv("-h", "plan", "-f", "x.yaml"))?.name).toBe("plan");
    expect(requestedCommand(argv("help", "--", "releases"))?.name).toBe("releases");
    expect(requestedCommand(argv("--version"))).toBeUndefined();
  });

  it("says which command was meant when the name is misspelt", async () => {
    const program = (await buildProgram(argv("asemble"))).exitOverride().configureOutput({
      writeErr: () => undefined,
    });
    await expect(program.parseAsync(argv("asemble"))).rejects.toThrow(/unknown command 'asemble'/);
  });
});
