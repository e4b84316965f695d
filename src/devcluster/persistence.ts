/**
 * Persistence of the object store to a directory: a snapshot file written (atomically, debounced)
 * after changes and on stop, and read at start.
 */
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import type { ObjectStore } from "./object-store.js";
import type { KubeObject } from "./types.js";

const snapshotSchema = z.object({
  resourceVersion: z.number().int().nonnegative(),
  objects: z.array(
    z.object({
      key: z.string(),
      object: z.looseObject({
        apiVersion: z.string(),
        kind: z.string(),
        metadata: z.looseObject({ name: z.string() }),
      }),
    }),
  ),
});

const FILE = "objects.json";

/** Reads a snapshot from `dir` into the store (nothing when absent). Returns the number of objects restored. */
export async function loadSnapshot(dir: string, store: ObjectStore): Promise<number> {
  let text: string;
  try {
    text = await readFile(join(dir, FILE), "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return 0;
    throw e;
  }
  const parsed = snapshotSchema.safeParse(JSON.parse(text));
  if (!parsed.success)
    throw new Error(`dev cluster data ${join(dir, FILE)} is not a valid snapshot: ${parsed.error.message}`);
  store.restore(
    parsed.data.resourceVersion,
    parsed.data.objects.map((o) => [o.key, o.object as unknown as KubeObject]),
  );
  return parsed.data.objects.length;
}

/** Writes the store to `dir` atomically. */
export async function saveSnapshot(dir: string, store: ObjectStore): Promise<void> {
  await mkdir(dir, { recursive: true });
  const objects = [...store.entries()].map(([key, object]) => ({ key, object }));
  const tmp = join(dir, `${FILE}.tmp`);
  await writeFile(tmp, JSON.stringify({ resourceVersion: store.currentRv, objects }));
  await rename(tmp, join(dir, FILE));
}

/** Saves at most every `intervalMs` after changes; `flush()` saves now. */
export class SnapshotWriter {
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private dirty = false;

  constructor(
    private readonly dir: string,
    private readonly store: ObjectStore,
    private readonly intervalMs = 1000,
  ) {}

  /** Notes a change; schedules a save. */
  changed(): void {
    this.dirty = true;
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.intervalMs);
  }

  /** Saves pending changes now. */
  async flush(): Promise<void> {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    await this.writing;
    if (!this.dirty) return;
    this.dirty = false;
    this.writing = saveSnapshot(this.dir, this.store);
    await this.writing;
  }
}
