/**
 * The dev-only `payloadctl` commands: `dev` (the local cluster) and `demo`. They start the dev
 * cluster, the simulated build system and the real control plane, none of which is part of the
 * product: this module is loaded only by dynamic import (`loadDevOnlyCommands`), and the product
 * build (`tsconfig.build.json`, the operator image) does not compile it or anything it reaches.
 */
import { demoCommand } from "./demo-command.js";
import { devCommand } from "./dev-command.js";
import type { DevOnlyCommandsModule } from "./dev-only-commands.js";

/** `dev` and `demo`, in the order `payloadctl --help` lists them. */
export const devCommands: DevOnlyCommandsModule["devCommands"] = () => [devCommand(), demoCommand()];
