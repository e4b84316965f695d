/** Finding the project's own files (samples, CRDs) from source (tsx) and from the build (`dist/`). */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The directory holding this package's `package.json`, searched upwards from `from` (default: this
 * module), so it is the repository root both under `src/` and under `dist/src/`.
 */
export function packageRoot(from: string = fileURLToPath(import.meta.url)): string {
  let dir = dirname(from);
  for (;;) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest)) {
      const parsed: unknown = JSON.parse(readFileSync(manifest, "utf8"));
      if (
        typeof parsed === "object" &&
        parsed !== null &&
        (parsed as { name?: unknown }).name === "okd-payload-operator"
      )
        return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the okd-payload-operator package above ${from}`);
    dir = parent;
  }
}
