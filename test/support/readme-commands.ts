/** The shell commands of README.md: every line of its ```sh blocks, with the heading it sits under. */
import { readFileSync } from "node:fs";

/** One command line of the README. */
export interface ReadmeCommand {
  /** The nearest `#` heading above it. */
  readonly section: string;
  /** The line exactly as written (comments included; bash ignores them). */
  readonly line: string;
}

/** Extracts every non-empty line of the ```sh blocks of `file`. */
export function readmeCommands(file: string): ReadmeCommand[] {
  const commands: ReadmeCommand[] = [];
  let section = "";
  let inShell = false;
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (!inShell && line.startsWith("#")) section = line.replace(/^#+\s*/, "");
    else if (line.trim() === "```sh") inShell = true;
    else if (inShell && line.trim() === "```") inShell = false;
    else if (inShell && line.trim() !== "") commands.push({ section, line });
  }
  return commands;
}
