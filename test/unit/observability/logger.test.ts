import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createLogger } from "../../../src/observability/logger.js";
import { systemClock } from "../../../src/runtime/clock.js";
import { Controller } from "../../../src/runtime/controller.js";
import { awaitChange } from "../../../src/runtime/outcome.js";

const lineSchema = z.looseObject({
  msg: z.string(),
  level: z.number(),
  time: z.string(),
  controller: z.string().optional(),
  key: z.string().optional(),
  reconcileID: z.string().optional(),
});

describe("reconcile logging", () => {
  it("writes JSON lines carrying controller, key and a distinct reconcileID per reconcile", async () => {
    const lines: z.infer<typeof lineSchema>[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString().split("\n").filter(Boolean))
          lines.push(lineSchema.parse(JSON.parse(line)));
        done();
      },
    });
    const logger = createLogger({ level: "info", destination });
    let n = 0;
    const c = new Controller({ name: "log-test", clock: systemClock, logger }, async (key, ctx) => {
      ctx.log.info({ attempt: ++n }, `reconciling ${key.name}`);
      return awaitChange();
    });
    c.start();
    c.enqueue("ns/a");
    c.enqueue("ns/b");
    const deadline = Date.now() + 5000;
    while (lines.filter((l) => l.msg.startsWith("reconciling")).length < 2 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 5));
    await c.stop();
    const reconcileLines = lines.filter((l) => l.msg.startsWith("reconciling"));
    expect(reconcileLines.map((l) => [l.controller, l.key])).toEqual([
      ["log-test", "ns/a"],
      ["log-test", "ns/b"],
    ]);
    expect(new Set(reconcileLines.map((l) => l.reconcileID)).size).toBe(2);
    expect(reconcileLines[0]?.time).toMatch(/^\d{4}-\d\d-\d\dT/);
  });
});
