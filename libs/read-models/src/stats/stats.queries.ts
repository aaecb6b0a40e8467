import { InvalidInput } from '../../../domain/src/index.js';
import type { DocumentStore } from '../document-store.port.js';
import { hourOf, type StatsBucket } from './stats.bucket.js';
import { STATS_COLLECTION } from './stats.projection.js';

export type StatsGranularity = 'HOUR' | 'DAY' | 'WEEK';

export interface StatsRequest {
  /** Inclusive, ISO; taken from the start of its hour. */
  readonly from: string;
  /** Exclusive, ISO. */
  readonly to: string;
  readonly granularity: StatsGranularity;
  /** Only this GPU node's work; absent: every node (and work no node took). */
  readonly node?: string | null;
}

export interface Percentiles {
  readonly samples: number;
  readonly p50: number | null;
  readonly p90: number | null;
}

export interface PeriodStats {
  readonly start: string;
  readonly end: string;
  readonly runs: { kind: string; status: string; count: number }[];
  readonly jobs: { kind: string; status: string; count: number }[];
  /** completed / (completed + failed) runs; null when none ended either way. */
  readonly successRate: number | null;
  readonly failureReasons: { reason: string; count: number }[];
  readonly jobDurations: ({ kind: string } & Percentiles)[];
  readonly queueWait: Percentiles;
  readonly nodes: { node: string; busySeconds: number; utilisation: number }[];
  readonly containersSaved: number;
  readonly ratings: { rating: number; count: number }[];
}

export interface StatsAnswer {
  readonly periods: PeriodStats[];
  readonly total: PeriodStats;
}

export const MAX_PERIODS = 1000;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** The start of the period `iso` falls in: its hour, its UTC day, or its ISO week (from Monday). */
export function periodStart(iso: string, granularity: StatsGranularity): number {
  const hour = Date.parse(hourOf(iso));
  if (granularity === 'HOUR') return hour;
  const day = hour - (((hour % DAY_MS) + DAY_MS) % DAY_MS);
  if (granularity === 'DAY') return day;
  const weekday = (new Date(day).getUTCDay() + 6) % 7; // Monday 0
  return day - weekday * DAY_MS;
}

function periodEnd(start: number, granularity: StatsGranularity): number {
  return start + (granularity === 'HOUR' ? HOUR_MS : granularity === 'DAY' ? DAY_MS : 7 * DAY_MS);
}

/** Adds up the hourly buckets of the stats read model into periods; reads no event. */
export async function statsOver(documents: DocumentStore, request: StatsRequest): Promise<StatsAnswer> {
  const from = Date.parse(request.from);
  const to = Date.parse(request.to);
  const problems = [
    ...(Number.isNaN(from) ? [{ field: 'from', problem: 'must be an ISO 8601 time' }] : []),
    ...(Number.isNaN(to) ? [{ field: 'to', problem: 'must be an ISO 8601 time' }] : []),
  ];
  if (problems.length > 0) throw new InvalidInput(problems);
  const rangeStart = Date.parse(hourOf(request.from));
  if (to <= rangeStart) throw new InvalidInput([{ field: 'to', problem: `must come after from (${request.from})` }]);
  const starts: number[] = [];
  for (let start = periodStart(request.from, request.granularity); start < to; start = periodEnd(start, request.granularity)) {
    starts.push(start);
    if (starts.length > MAX_PERIODS) throw new InvalidInput([{ field: 'bucket', problem: `the range holds more than ${MAX_PERIODS} periods; choose a larger bucket or a shorter range` }]);
  }
  const filter: Record<string, unknown> = { kind: 'bucket', hour: { $gte: new Date(rangeStart).toISOString(), $lt: new Date(to).toISOString() } };
  if (request.node != null) filter.node = request.node;
  const buckets = (await documents.find(STATS_COLLECTION, filter)) as unknown as StatsBucket[];
  const byPeriod = new Map<number, StatsBucket[]>(starts.map((start) => [start, []]));
  for (const bucket of buckets) byPeriod.get(periodStart(bucket.hour, request.granularity))?.push(bucket);
  const clip = (start: number, end: number) => ({ start: Math.max(start, rangeStart), end: Math.min(end, to) });
  const periods = starts.map((start) => summarise(byPeriod.get(start)!, clip(start, periodEnd(start, request.granularity))));
  return { periods, total: summarise(buckets, { start: rangeStart, end: to }) };
}

function summarise(buckets: readonly StatsBucket[], span: { start: number; end: number }): PeriodStats {
  const runs = new Map<string, number>();
  const jobs = new Map<string, number>();
  const reasons = new Map<string, number>();
  const ratings = new Map<string, number>();
  const durations = new Map<string, number[]>();
  const waits: number[] = [];
  const busy = new Map<string, number>();
  let containersSaved = 0;
  for (const bucket of buckets) {
    addNested(runs, bucket.runs);
    addNested(jobs, bucket.jobs);
    addFlat(reasons, bucket.failureReasons);
    addFlat(ratings, bucket.ratings);
    for (const [kind, samples] of Object.entries(bucket.jobDurations)) durations.set(kind, [...(durations.get(kind) ?? []), ...samples]);
    waits.push(...bucket.queueWaits);
    if (bucket.node !== '' && bucket.busySeconds > 0) busy.set(bucket.node, (busy.get(bucket.node) ?? 0) + bucket.busySeconds);
    containersSaved += bucket.containersSaved;
  }
  const pairs = (counts: Map<string, number>) =>
    [...counts].filter(([, count]) => count !== 0).map(([key, count]) => ({ kind: key.split('\u0000')[0]!, status: key.split('\u0000')[1]!, count })).sort(byKindStatus);
  const runCounts = pairs(runs);
  const completed = runCounts.filter((entry) => entry.status === 'completed').reduce((sum, entry) => sum + entry.count, 0);
  const failed = runCounts.filter((entry) => entry.status === 'failed').reduce((sum, entry) => sum + entry.count, 0);
  const spanSeconds = Math.max(1, (span.end - span.start) / 1000);
  return {
    start: new Date(span.start).toISOString(),
    end: new Date(span.end).toISOString(),
    runs: runCounts,
    jobs: pairs(jobs),
    successRate: completed + failed === 0 ? null : completed / (completed + failed),
    failureReasons: [...reasons].filter(([, count]) => count !== 0).map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason)),
    jobDurations: [...durations].map(([kind, samples]) => ({ kind, ...percentiles(samples) })).filter((entry) => entry.samples > 0).sort((a, b) => a.kind.localeCompare(b.kind)),
    queueWait: percentiles(waits),
    nodes: [...busy].map(([node, busySeconds]) => ({ node, busySeconds, utilisation: Math.min(1, busySeconds / spanSeconds) })).sort((a, b) => a.node.localeCompare(b.node)),
    containersSaved,
    ratings: [...ratings].filter(([, count]) => count !== 0).map(([rating, count]) => ({ rating: Number(rating), count })).sort((a, b) => a.rating - b.rating),
  };
}

/** Nearest-rank percentiles of the samples. */
export function percentiles(samples: readonly number[]): Percentiles {
  if (samples.length === 0) return { samples: 0, p50: null, p90: null };
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
  return { samples: sorted.length, p50: rank(50), p90: rank(90) };
}

function addNested(into: Map<string, number>, groups: Record<string, Record<string, number>>): void {
  for (const [group, counts] of Object.entries(groups)) addFlat(into, counts, `${group}\u0000`);
}

function addFlat(into: Map<string, number>, counts: Record<string, number>, prefix = ''): void {
  for (const [key, count] of Object.entries(counts)) into.set(`${prefix}${key}`, (into.get(`${prefix}${key}`) ?? 0) + count);
}

function byKindStatus(a: { kind: string; status: string }, b: { kind: string; status: string }): number {
  return a.kind.localeCompare(b.kind) || a.status.localeCompare(b.status);
}
