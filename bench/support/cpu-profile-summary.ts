/**
 * Summarises a V8 CPU profile (what `node --cpu-prof` writes, or the inspector's
 * `Profiler.stop` returns): self time per function, and time per project module, a sample being
 * charged to the nearest project frame on its stack (`src/devcluster/registry`, `src/kube`, ...),
 * so that node's own HTTP, stream and crypto work is charged to the project code that asked for it.
 * For pointing at hotspots, not for precise figures.
 */
import { readFile } from "node:fs/promises";
import { z } from "zod";

const profileSchema = z.object({
  nodes: z.array(
    z.object({
      id: z.number(),
      callFrame: z.object({ functionName: z.string(), url: z.string() }),
      children: z.array(z.number()).optional(),
    }),
  ),
  samples: z.array(z.number()),
  timeDeltas: z.array(z.number()),
});
/** A parsed CPU profile. */
export type CpuProfile = z.infer<typeof profileSchema>;

/** Parses a profile document (throws when it is not one). */
export function parseCpuProfile(document: unknown): CpuProfile {
  return profileSchema.parse(document);
}

/** Reads a `.cpuprofile` file. */
export async function readCpuProfile(path: string): Promise<CpuProfile> {
  return parseCpuProfile(JSON.parse(await readFile(path, "utf8")));
}

/** One entry of a summary. */
export interface ProfileShare {
  readonly where: string;
  readonly ms: number;
  /** ms / profiled time. */
  readonly share: number;
}

/** Pseudo-frames V8 puts at the root. */
const PSEUDO = new Set(["(idle)", "(garbage collector)", "(program)"]);

function shares(times: Map<string, number>, totalUs: number, top: number): ProfileShare[] {
  return [...times.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([where, us]) => ({ where, ms: us / 1000, share: totalUs > 0 ? us / totalUs : 0 }));
}

function forEachSample(profile: CpuProfile, visit: (nodeId: number, us: number) => void): number {
  let totalUs = 0;
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    totalUs += us;
    visit(id, us);
  });
  return totalUs;
}

/** The `top` functions by self time, and the profiled time in ms. */
export function selfTimeHotspots(
  profile: CpuProfile,
  top = 12,
): { totalMs: number; hotspots: ProfileShare[] } {
  const frameOf = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const self = new Map<string, number>();
  const totalUs = forEachSample(profile, (id, us) => {
    const frame = frameOf.get(id);
    if (frame === undefined) return;
    const file = frame.url.replace(/^.*\/(node_modules\/|src\/|test\/|bench\/)/, "$1");
    // Line numbers are left out: under tsx they point into the transpiled module, not the source.
    const where = `${frame.functionName || "(anonymous)"} (${file || "native"})`;
    self.set(where, (self.get(where) ?? 0) + us);
  });
  return { totalMs: totalUs / 1000, hotspots: shares(self, totalUs, top) };
}

/**
 * Time per project module (the directory of the nearest frame under `root` + `src/`, `test/` or
 * `bench/`); samples with no project frame are charged to `node (no project frame)`, and idle, GC
 * and `(program)` samples to themselves.
 */
export function timeByModule(profile: CpuProfile, root: string): ProfileShare[] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const prefix = `file://${root.replace(/\/$/, "")}/`;
  const moduleOf = new Map<number, string>();
  const resolve = (id: number): string => {
    const known = moduleOf.get(id);
    if (known !== undefined) return known;
    const node = byId.get(id);
    let result = "node (no project frame)";
    if (node !== undefined) {
      const { url, functionName } = node.callFrame;
      const relative = url.startsWith(prefix) ? url.slice(prefix.length) : "";
      if (PSEUDO.has(functionName)) result = functionName;
      else if (/^(src|test|bench)\//.test(relative)) result = relative.slice(0, relative.lastIndexOf("/"));
      else {
        const parent = parentOf.get(id);
        if (parent !== undefined) result = resolve(parent);
      }
    }
    moduleOf.set(id, result);
    return result;
  };
  const times = new Map<string, number>();
  const totalUs = forEachSample(profile, (id, us) => {
    const where = resolve(id);
    times.set(where, (times.get(where) ?? 0) + us);
  });
  return shares(times, totalUs, 20);
}
