/**
 * The operator as its image runs it: the sources compiled by `tsc -p tsconfig.build.json` (what
 * `npm run build` and the Dockerfile do) and run by plain `node`, without tsx's loader in the
 * process (tsx's transform caches alone add about 150 MiB of resident memory). Compiled into a
 * temp directory with the repository's `package.json` and a link to its `node_modules`.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { copyFile, mkdtemp, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A compiled operator: the command that runs `payloadctl`, and how to remove it. */
export interface CompiledOperator {
  readonly payloadctl: readonly string[];
  remove(): Promise<void>;
}

/**
 * Compiles `root`'s `src/cli/payloadctl.ts` and what it imports, with the TypeScript and
 * `node_modules` of `modulesRoot` (default `root`). Type errors elsewhere in a tree being edited
 * do not stop it (tsc still emits); a missing output does.
 */
export async function compileOperator(root: string, modulesRoot = root): Promise<CompiledOperator> {
  const dir = await mkdtemp(join(tmpdir(), "bench-operator-js-"));
  const remove = () => rm(dir, { recursive: true, force: true });
  const out = join(dir, "dist");
  const tsc = join(modulesRoot, "node_modules", ".bin", "tsc");
  const log = await new Promise<string>((resolve) => {
    execFile(tsc, ["-p", join(root, "tsconfig.build.json"), "--outDir", out], { cwd: root }, (_e, stdout) =>
      resolve(stdout),
    );
  });
  const entry = join(out, "src", "cli", "payloadctl.js");
  if (!existsSync(entry)) {
    await remove();
    throw new Error(`tsc did not emit ${entry}:\n${log.slice(0, 2000)}`);
  }
  await copyFile(join(root, "package.json"), join(dir, "package.json"));
  await symlink(join(modulesRoot, "node_modules"), join(dir, "node_modules"));
  return { payloadctl: [process.execPath, entry], remove };
}
