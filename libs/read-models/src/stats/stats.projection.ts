import { JOB_EVENT_TYPES, type JobEvent, jobStream, RUN_EVENT_TYPES, type RunEvent, runStream } from '../../../domain/src/index.js';
import type { RecordedEvent } from '../../../eventstore/src/index.js';
import type { Doc } from '../document-store.port.js';
import type { FoldContext, Projection, RelatedDocument } from '../projections/projection.js';
import { applyContributions, emptyBucket, jobContributions, runContributions, type Contribution, type StatsBucket } from './stats.bucket.js';
import { evolveJobFacts, evolveRunFacts, type JobFacts, type RunFacts } from './stats.facts.js';

export const STATS_COLLECTION = 'stats';
const JOB_PREFIX = jobStream('');
const RUN_PREFIX = runStream('');

export type StatsDoc = Doc & (JobFacts | RunFacts | StatsBucket);

/** The entity an event is about, as this collection names its facts document. */
function entityOf(event: RecordedEvent): string | null {
  if (event.streamId.startsWith(JOB_PREFIX)) return `job:${event.streamId.slice(JOB_PREFIX.length)}`;
  if (event.streamId.startsWith(RUN_PREFIX)) return `run:${event.streamId.slice(RUN_PREFIX.length)}`;
  return null;
}

interface Change {
  readonly entity: string;
  readonly after: JobFacts | RunFacts | null;
  readonly removed: readonly Contribution[];
  readonly added: readonly Contribution[];
}

/** The entity's facts before and after the event, and what it takes from and gives to buckets. */
function changeOf(event: RecordedEvent, related: RelatedDocument): Change | null {
  const entity = entityOf(event);
  if (entity === null) return null;
  if (entity.startsWith('job:')) {
    const before = related(entity) as unknown as JobFacts | null;
    const after = evolveJobFacts(before, event as unknown as JobEvent);
    return after === before ? null : { entity, after, removed: jobContributions(before), added: jobContributions(after) };
  }
  const before = related(entity) as unknown as RunFacts | null;
  const after = evolveRunFacts(before, event as unknown as RunEvent);
  return after === before ? null : { entity, after, removed: runContributions(before), added: runContributions(after) };
}

/**
 * Statistics as a read model: per job and per run the few facts statistics need, and per hour and
 * node a bucket of counters and samples that every entity's facts contribute to. When an entity's
 * facts change (a job ends, a run is rated again), its old contribution leaves the buckets and the
 * new one enters, so a bucket always sums the current facts; `stats()` only adds buckets up.
 */
export const statsProjection: Projection<StatsDoc> = {
  name: 'stats',
  version: 1,
  collection: STATS_COLLECTION,
  filter: { streamPrefixes: [JOB_PREFIX, RUN_PREFIX], eventTypes: [...JOB_EVENT_TYPES, ...RUN_EVENT_TYPES] },
  indexes: [{ keys: { kind: 1, hour: 1, node: 1 } }],
  related: (event) => {
    const entity = entityOf(event);
    return entity === null ? [] : [entity];
  },
  documentIds(event, related = () => null) {
    const change = changeOf(event, related);
    if (change === null) return [];
    return [change.entity, ...new Set([...change.removed, ...change.added].map((part) => part.bucket))];
  },
  evolve(doc, event, context?: FoldContext) {
    if (context === undefined) throw new Error('the stats projection folds with its related documents');
    const change = changeOf(event, context.related);
    if (change === null) return doc;
    if (context.id === change.entity) return change.after === null ? null : ({ id: context.id, ...change.after } as StatsDoc);
    const bucket = doc === null ? emptyBucket(context.id) : (doc as unknown as StatsBucket);
    const updated = applyContributions(applyContributions(bucket, context.id, change.removed, -1), context.id, change.added, 1);
    return { id: context.id, ...updated };
  },
};
