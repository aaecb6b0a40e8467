/** Nearest rank on the sorted samples, as the catalog figures use: below 21 samples p95 is the largest. */
export function percentile(samples: readonly number[], q: number): number {
  if (samples.length === 0) throw new Error('no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  return round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!);
}

export function spread(samples: readonly number[]): { p50: number; p95: number; max: number } {
  return { p50: percentile(samples, 0.5), p95: percentile(samples, 0.95), max: round(Math.max(...samples)) };
}

export function millisecondsSince(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/** Milliseconds of each of `iterations` sequential calls, after one untimed warm-up call. */
export async function timings(iterations: number, fn: (iteration: number) => Promise<unknown>): Promise<number[]> {
  await fn(-1);
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const started = process.hrtime.bigint();
    await fn(i);
    samples.push(millisecondsSince(started));
  }
  return samples;
}

export function round(value: number, digits = 1): number {
  return Number(value.toFixed(digits));
}
