#!/usr/bin/env node
/**
 * `payloadctl` executable: parses argv with the program from `program.ts` (dev-only commands where
 * present). The program is imported only after {@link registerSlimClientNode}, so the Kubernetes
 * client it loads comes without the generated API it does not use.
 */
import { registerSlimClientNode } from "../kube/slim-client-node.js";

registerSlimClientNode();
const { loadDevOnlyCommands } = await import("./dev-only-commands.js");
const { buildProgram } = await import("./program.js");

try {
  await buildProgram(await loadDevOnlyCommands()).parseAsync(process.argv);
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}
