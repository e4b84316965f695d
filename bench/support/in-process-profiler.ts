/** Samples this process's CPU with the inspector (the same profile `node --cpu-prof` writes). */
import { Session } from "node:inspector/promises";
import { parseCpuProfile, type CpuProfile } from "./cpu-profile-summary.js";

/** A running profiler. */
export interface InProcessProfiler {
  /** Stops sampling and returns the profile. */
  stop(): Promise<CpuProfile>;
}

/** Starts sampling every `intervalUs` microseconds (default 1000). */
export async function startInProcessProfiler(intervalUs = 1000): Promise<InProcessProfiler> {
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: intervalUs });
  await session.post("Profiler.start");
  return {
    stop: async () => {
      const { profile } = await session.post("Profiler.stop");
      session.disconnect();
      return parseCpuProfile(profile);
    },
  };
}
