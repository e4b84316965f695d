import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { promisify } from "node:util";
import { expect, it } from "vitest";
import { MANAGER_MEMORY } from "../../../src/install/manager-manifests.js";
import {
  OPERATOR_HEAP_LIMIT_MIB,
  OPERATOR_MALLOC_ARENA_MAX,
  OPERATOR_NODE_OPTIONS,
} from "../../../src/install/operator-heap.js";

const run = promisify(execFile);
const root = new URL("../../../", import.meta.url);

const mebibytes = (quantity: string): number => {
  const match = /^(\d+)(Mi|Gi)$/.exec(quantity);
  if (match === null) throw new Error(`not a Mi/Gi quantity: ${quantity}`);
  return Number(match[1]) * (match[2] === "Gi" ? 1024 : 1);
};

it("the operator image sets NODE_OPTIONS to the heap sizing of operator-heap.ts", async () => {
  const dockerfile = await readFile(new URL("Dockerfile", root), "utf8");
  const env = [...dockerfile.matchAll(/^ENV NODE_OPTIONS="([^"]*)"$/gm)].map((m) => m[1]);
  expect(env).toEqual([OPERATOR_NODE_OPTIONS]);
});

it("the operator image sets MALLOC_ARENA_MAX as operator-heap.ts says", async () => {
  const dockerfile = await readFile(new URL("Dockerfile", root), "utf8");
  const env = [...dockerfile.matchAll(/^ENV MALLOC_ARENA_MAX=(\S+)$/gm)].map((m) => m[1]);
  expect(env).toEqual([String(OPERATOR_MALLOC_ARENA_MAX)]);
});

it("Node accepts that NODE_OPTIONS and caps the heap where operator-heap.ts says", async () => {
  const { stdout } = await run(
    process.execPath,
    ["-e", "console.log(require('node:v8').getHeapStatistics().heap_size_limit)"],
    { env: { ...process.env, NODE_OPTIONS: OPERATOR_NODE_OPTIONS } },
  );
  expect(Number(stdout.trim()) / 2 ** 20).toBe(OPERATOR_HEAP_LIMIT_MIB);
});

it("the Deployment's memory limit leaves room above the heap cap; its request covers the heap cap", () => {
  expect(mebibytes(MANAGER_MEMORY.limit)).toBeGreaterThanOrEqual(2 * OPERATOR_HEAP_LIMIT_MIB);
  expect(mebibytes(MANAGER_MEMORY.request)).toBeGreaterThan(OPERATOR_HEAP_LIMIT_MIB);
  expect(mebibytes(MANAGER_MEMORY.request)).toBeLessThanOrEqual(mebibytes(MANAGER_MEMORY.limit));
});
