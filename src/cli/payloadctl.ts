#!/usr/bin/env node
/**
 * `payloadctl` executable: parses argv with the program from `program.ts`, which imports only the
 * subcommand that runs. The program is imported only after {@link registerSlimClientNode}, so the
 * Kubernetes client a command loads comes without the generated API it does not use.
 */
import { registerSlimClientNode } from "../kube/slim-client-node.js";

registerSlimClientNode();
const { buildProgram } = await import("./program.js");

try {
  await (await buildProgram(process.argv)).parseAsync(process.argv);
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}
