/**
 * Loading the dev-only commands (`dev`, `demo`) of `payloadctl`. They live in `dev-commands.ts`,
 * which the product reaches only through a dynamic import with a computed specifier, so neither
 * `tsc -p tsconfig.build.json` nor the operator image includes them, the dev cluster or their
 * dependencies. Where the module is absent (the image, any `npm run build` output), each command is
 * a placeholder that says where to run it instead.
 */
import { existsSync } from "node:fs";
import { Command } from "commander";
import { CliError } from "./cli-io.js";

/** What `dev-commands.ts` exports. */
export interface DevOnlyCommandsModule {
  devCommands(): Command[];
}

/** The dev-only commands and what they do, for the placeholders. */
export const DEV_ONLY_COMMANDS: readonly { readonly name: string; readonly description: string }[] = [
  { name: "dev", description: "run the local cluster (dev cluster, integrated registry, simulated builds)" },
  { name: "demo", description: "build the sample payload end to end on an embedded cluster" },
];

/** The module specifier, kept out of a literal `import()` so TypeScript does not compile the module into the product. */
const DEV_COMMANDS_MODULE = "./dev-commands.js";

/**
 * Whether `dev-commands` is beside this module (`.ts` in a source checkout run with tsx, `.js` if
 * built with it), i.e. whether {@link loadDevOnlyCommands} gives the real commands; checked without
 * importing it, for the top-level help.
 */
export function devCommandsInstalled(): boolean {
  return [".ts", ".js"].some((extension) =>
    existsSync(new URL(DEV_COMMANDS_MODULE.replace(/\.js$/, extension), import.meta.url)),
  );
}

function isDevOnlyCommandsModule(value: unknown): value is DevOnlyCommandsModule {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { devCommands?: unknown }).devCommands === "function"
  );
}

function isModuleNotFound(error: unknown, specifier: string): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return (
    code === "ERR_MODULE_NOT_FOUND" &&
    typeof message === "string" &&
    message.includes(specifier.replace(/^\.\//, "").replace(/\.js$/, ""))
  );
}

/**
 * A command standing in for a dev-only one where it is not installed: it accepts any arguments
 * and fails with a {@link CliError} saying it runs from a source checkout only.
 */
export function devOnlyPlaceholder(name: string, description: string): Command {
  return new Command(name)
    .description(`${description} (source checkout only)`)
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .argument("[args...]")
    .action(() => {
      throw new CliError(
        `payloadctl ${name} is not in this image: it runs from a source checkout (git clone, npm ci, npx payloadctl ${name}); the operator image carries only the operator and the product commands`,
      );
    });
}

/**
 * The dev-only commands: imported from `dev-commands.js` beside this module when it is there (a
 * source checkout run with tsx), else their placeholders. `importModule` is for tests. A
 * different failure of the import (a broken dev module) is thrown, not hidden.
 */
export async function loadDevOnlyCommands(
  importModule: (specifier: string) => Promise<unknown> = (specifier) => import(specifier),
): Promise<Command[]> {
  let loaded: unknown;
  try {
    loaded = await importModule(DEV_COMMANDS_MODULE);
  } catch (error) {
    if (isModuleNotFound(error, DEV_COMMANDS_MODULE)) {
      return DEV_ONLY_COMMANDS.map((c) => devOnlyPlaceholder(c.name, c.description));
    }
    throw error;
  }
  if (!isDevOnlyCommandsModule(loaded)) {
    throw new Error(`${DEV_COMMANDS_MODULE} does not export devCommands()`);
  }
  return loaded.devCommands();
}
