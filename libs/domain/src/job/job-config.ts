import type { JobKind } from './job.events.js';

/**
 * The config of a job's run `index`, as JobQueued holds it: a batch_inference job keeps one per
 * run under `runs`; every other kind has one run, whose config is the job's.
 */
export function runConfigOf(kind: JobKind, config: Readonly<Record<string, unknown>>, index: number): Readonly<Record<string, unknown>> {
  if (kind !== 'batch_inference') return config;
  const runs = config.runs as readonly Readonly<Record<string, unknown>>[];
  return runs[index]!;
}
