import { describe, expect, it } from "vitest";
import { DEV_ONLY_COMMANDS, loadDevOnlyCommands } from "../../../src/cli/dev-only-commands.js";
import type { CommandEntry } from "../../../src/cli/command-catalog.js";
import { buildProgram } from "../../../src/cli/program.js";

function moduleNotFound(specifier: string): Error {
  return Object.assign(
    new Error(`Cannot find module '/app/dist/src/cli/${specifier.slice(2)}' imported from x`),
    {
      code: "ERR_MODULE_NOT_FOUND",
    },
  );
}

describe("dev-only commands", () => {
  it("are the real dev and demo commands in a source checkout", async () => {
    const commands = await loadDevOnlyCommands();
    expect(commands.map((c) => c.name())).toEqual(DEV_ONLY_COMMANDS.map((c) => c.name));
    const dev = commands.find((c) => c.name() === "dev");
    expect(dev?.options.map((o) => o.long)).toContain("--registry-port");
  });

  it("are placeholders that say where to run them when the module is not in the build", async () => {
    const commands = await loadDevOnlyCommands((specifier) => Promise.reject(moduleNotFound(specifier)));
    expect(commands.map((c) => c.name())).toEqual(["dev", "demo"]);
    const inImage = async (...args: string[]) => {
      const argv = ["node", "payloadctl", ...args];
      const options = {
        devCommandsInstalled: false,
        load: async (entry: CommandEntry) => {
          return commands.find((c) => c.name() === entry.name) ?? entry.load();
        },
      };
      const program = (await buildProgram(argv, options)).exitOverride();
      return { program, run: () => program.parseAsync(argv) };
    };
    expect((await inImage("--help")).program.helpInformation()).toMatch(
      /dev \[args\.\.\.\]\s+run the local cluster.*\(source checkout/s,
    );
    await expect((await inImage("dev", "--port", "6443")).run()).rejects.toThrow(
      /payloadctl dev is not in this image: it runs from a source checkout \(git clone, npm ci, npx payloadctl dev\)/,
    );
    await expect((await inImage("demo", "--help")).run()).rejects.toThrow(
      /payloadctl demo is not in this image/,
    );
  });

  it("does not hide a broken dev module", async () => {
    const missingDependency = Object.assign(new Error("Cannot find package 'ajv' imported from x"), {
      code: "ERR_MODULE_NOT_FOUND",
    });
    await expect(loadDevOnlyCommands(() => Promise.reject(missingDependency))).rejects.toThrow(/ajv/);
    await expect(loadDevOnlyCommands(() => Promise.resolve({}))).rejects.toThrow(/devCommands/);
  });
});
