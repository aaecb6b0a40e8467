import { jobEnded, runEnded, type JobFacts, type RunFacts } from './stats.facts.js';

/** One hour on one node (`''`: no node, e.g. a job cancelled before any claim): counters and samples. */
export interface StatsBucket {
  readonly kind: 'bucket';
  /** ISO start of the hour, UTC. */
  readonly hour: string;
  readonly node: string;
  /** runs[runKind][status] */
  readonly runs: Record<string, Record<string, number>>;
  /** jobs[jobKind][status] */
  readonly jobs: Record<string, Record<string, number>>;
  readonly failureReasons: Record<string, number>;
  /** Seconds from claim to success per job kind, one sample per job. */
  readonly jobDurations: Record<string, number[]>;
  /** Seconds from queued to first claim, one sample per job. */
  readonly queueWaits: number[];
  readonly busySeconds: number;
  readonly containersSaved: number;
  /** ratings['1'..'5']: completed runs by their current rating. */
  readonly ratings: Record<string, number>;
}

/** One thing an entity adds to one bucket; removed again (sign −1) when the entity's facts change. */
export type Contribution =
  | { readonly bucket: string; readonly counter: readonly [keyof Pick<StatsBucket, 'runs' | 'jobs'>, string, string] }
  | { readonly bucket: string; readonly tally: readonly [keyof Pick<StatsBucket, 'failureReasons' | 'ratings'>, string] }
  | { readonly bucket: string; readonly sample: 'jobDurations'; readonly group: string; readonly value: number }
  | { readonly bucket: string; readonly sample: 'queueWaits'; readonly value: number }
  | { readonly bucket: string; readonly add: 'busySeconds' | 'containersSaved'; readonly value: number };

const HOUR_MS = 3_600_000;

export function hourOf(iso: string): string {
  const ms = Date.parse(iso);
  return new Date(ms - (((ms % HOUR_MS) + HOUR_MS) % HOUR_MS)).toISOString();
}

export function bucketId(hour: string, node: string | null): string {
  return `bucket:${hour}|${node ?? ''}`;
}

export function emptyBucket(id: string): StatsBucket {
  const [hour, node] = id.slice('bucket:'.length).split('|') as [string, string];
  return { kind: 'bucket', hour, node, runs: {}, jobs: {}, failureReasons: {}, jobDurations: {}, queueWaits: [], busySeconds: 0, containersSaved: 0, ratings: {} };
}

const seconds = (from: string, to: string) => Math.max(0, (Date.parse(to) - Date.parse(from)) / 1000);

/** GPU time from the claim to the end, split over the hours it spans, so an hour never holds more than an hour. */
function busy(from: string, to: string, node: string | null): Contribution[] {
  const parts: Contribution[] = [];
  for (let start = Date.parse(from), end = Date.parse(to); start < end; ) {
    const hourEnd = Date.parse(hourOf(new Date(start).toISOString())) + HOUR_MS;
    const until = Math.min(end, hourEnd);
    parts.push({ bucket: bucketId(hourOf(new Date(start).toISOString()), node), add: 'busySeconds', value: (until - start) / 1000 });
    start = until;
  }
  return parts;
}

export function jobContributions(facts: JobFacts | null): Contribution[] {
  if (facts === null) return [];
  const parts: Contribution[] = [];
  if (facts.mergedFrom > 1) parts.push({ bucket: bucketId(hourOf(facts.queuedAt), null), add: 'containersSaved', value: facts.mergedFrom - 1 });
  if (facts.firstClaimedAt !== null) {
    parts.push({ bucket: bucketId(hourOf(facts.firstClaimedAt), facts.firstNode), sample: 'queueWaits', value: seconds(facts.queuedAt, facts.firstClaimedAt) });
  }
  if (!jobEnded(facts) || facts.endedAt === null) return parts;
  const ended = bucketId(hourOf(facts.endedAt), facts.status === 'merged' ? null : facts.node);
  parts.push({ bucket: ended, counter: ['jobs', facts.jobKind, facts.status] });
  if (facts.status === 'succeeded' && facts.durationSeconds !== null) parts.push({ bucket: ended, sample: 'jobDurations', group: facts.jobKind, value: facts.durationSeconds });
  if (facts.claimedAt !== null && facts.status !== 'merged') parts.push(...busy(facts.claimedAt, facts.endedAt, facts.node));
  return parts;
}

export function runContributions(facts: RunFacts | null): Contribution[] {
  if (facts === null || !runEnded(facts) || facts.endedAt === null) return [];
  const ended = bucketId(hourOf(facts.endedAt), facts.node);
  const parts: Contribution[] = [{ bucket: ended, counter: ['runs', facts.runKind, facts.status] }];
  if (facts.failureReason !== null) parts.push({ bucket: ended, tally: ['failureReasons', facts.failureReason] });
  if (facts.rating !== null) parts.push({ bucket: ended, tally: ['ratings', String(facts.rating)] });
  return parts;
}

/** The bucket with `parts` added (sign 1) or taken away (sign −1); parts for other buckets are ignored. */
export function applyContributions(bucket: StatsBucket, id: string, parts: readonly Contribution[], sign: 1 | -1): StatsBucket {
  let next = bucket;
  for (const part of parts) {
    if (part.bucket !== id) continue;
    if ('counter' in part) {
      const [field, group, key] = part.counter;
      const counts = counted(next[field][group] ?? {}, key, sign);
      next = { ...next, [field]: Object.keys(counts).length === 0 ? without(next[field], group) : { ...next[field], [group]: counts } };
    } else if ('tally' in part) {
      const [field, key] = part.tally;
      next = { ...next, [field]: counted(next[field], key, sign) };
    } else if ('sample' in part && part.sample === 'jobDurations') {
      const samples = next.jobDurations[part.group] ?? [];
      next = { ...next, jobDurations: { ...next.jobDurations, [part.group]: sign === 1 ? [...samples, part.value] : withoutOne(samples, part.value) } };
    } else if ('sample' in part) {
      next = { ...next, queueWaits: sign === 1 ? [...next.queueWaits, part.value] : withoutOne(next.queueWaits, part.value) };
    } else {
      next = { ...next, [part.add]: next[part.add] + sign * part.value };
    }
  }
  return next;
}

/** A count moved by one; a count back at zero leaves, so a bucket equals one built from scratch. */
function counted(counts: Record<string, number>, key: string, sign: 1 | -1): Record<string, number> {
  const value = (counts[key] ?? 0) + sign;
  return value === 0 ? without(counts, key) : { ...counts, [key]: value };
}

function without<T>(record: Record<string, T>, key: string): Record<string, T> {
  const { [key]: _, ...rest } = record;
  return rest;
}

function withoutOne(values: readonly number[], value: number): number[] {
  const at = values.indexOf(value);
  return at === -1 ? [...values] : [...values.slice(0, at), ...values.slice(at + 1)];
}
