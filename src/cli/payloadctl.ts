#!/usr/bin/env node
/** `payloadctl` executable: parses argv with the program from `program.ts` (dev-only commands where present). */
import { loadDevOnlyCommands } from "./dev-only-commands.js";
import { buildProgram } from "./program.js";

try {
  await buildProgram(await loadDevOnlyCommands()).parseAsync(process.argv);
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}
