/** Peak resident set size of this process while a step runs, sampled every few milliseconds. */

/** Runs `fn`; returns its value, wall time and the peak RSS above the RSS at its start. */
export async function measureStep<T>(
  fn: () => Promise<T>,
  sampleMs = 10,
): Promise<{ value: T; seconds: number; peakRssDeltaBytes: number }> {
  const before = process.memoryUsage.rss();
  let peak = before;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, sampleMs);
  const start = process.hrtime.bigint();
  try {
    const value = await fn();
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    peak = Math.max(peak, process.memoryUsage.rss());
    return { value, seconds, peakRssDeltaBytes: peak - before };
  } finally {
    clearInterval(timer);
  }
}
