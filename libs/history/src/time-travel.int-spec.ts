import type { JobState, PromptState, QueueState, RunState } from '../../domain/src/index.js';
import { EVENT_TYPES, type EventStore, EventTypeRegistry, openSqlite, type SqliteDatabase, SqliteEventStore } from '../../eventstore/src/index.js';
import { ALL_PROJECTIONS, type JobDoc, JOBS_COLLECTION, ProjectionRunner, type PromptDoc, QUEUE_COLLECTION, type RunDoc, SqliteDocumentStore } from '../../read-models/src/index.js';
import { generatedHistory } from '../../testing/src/index.js';
import { EventHistory } from './event-history.js';

const NOW = { time: '2100-01-01T00:00:00.000Z' };

describe('time travel folds to what the read models hold (generated histories)', () => {
  let db: SqliteDatabase;
  let events: EventStore;
  let documents: SqliteDocumentStore;
  let history: EventHistory;

  beforeEach(() => {
    db = openSqlite(':memory:');
    events = new SqliteEventStore(db);
    documents = new SqliteDocumentStore(db);
    history = new EventHistory(events, new EventTypeRegistry(EVENT_TYPES));
  });

  afterEach(async () => {
    await documents.close();
    await events.close();
    db.close();
  });

  for (const seed of [1, 2, 3, 4, 5]) {
    it(`for every prompt, run, job and the queue of history #${seed}, the fold at the head equals the read model`, async () => {
      const generated = generatedHistory(seed);
      await generated.appendTo(events);
      const runner = new ProjectionRunner(events, documents, new EventTypeRegistry(EVENT_TYPES), ALL_PROJECTIONS, { batchSize: 100 });
      for (const projection of ALL_PROJECTIONS) {
        const built = await runner.rebuildInto(projection, projection.collection);
        await documents.applyBatch([], { name: projection.name, position: built.position });
      }
      expect(generated.promptIds.length + generated.runIds.length + generated.jobIds.length).toBeGreaterThan(60);

      for (const id of generated.promptIds) {
        const { state } = await history.entityAt('prompt', id, NOW);
        expect({ id, ...promptView(state as PromptState) }).toEqual({ id, ...promptDocView(await documents.get<PromptDoc>('prompts', id)) });
      }
      for (const id of generated.runIds) {
        const { state } = await history.entityAt('run', id, NOW);
        expect({ id, ...runView(state as RunState) }).toEqual({ id, ...runDocView(await documents.get<RunDoc>('runs', id)) });
      }
      for (const id of generated.jobIds) {
        const { state } = await history.entityAt('job', id, NOW);
        expect({ id, ...jobView(state as JobState) }).toEqual({ id, ...jobDocView(await documents.get<JobDoc>(JOBS_COLLECTION, id)) });
      }
      const queue = (await history.entityAt('queue', 'queue', NOW)).state as QueueState;
      const queueDoc = await documents.get<{ id: string; paused: boolean; pausedBy: string | null }>(QUEUE_COLLECTION, 'queue');
      expect(queue.status === 'Paused').toBe(queueDoc?.paused ?? false);
    });
  }

  it('folds a stream only up to the position or time asked for', async () => {
    const generated = generatedHistory(9);
    await generated.appendTo(events);
    const jobId = generated.jobIds[0]!;
    const stream = await history.stream(`job-${jobId}`);
    for (const [index, event] of stream.entries()) {
      const byPosition = await history.entityAt('job', jobId, { position: event.position });
      expect(byPosition.revision).toBe(index);
      const byTime = await history.entityAt('job', jobId, { time: event.occurredAt });
      // Events of one moment fold together: the last of them is the revision reached.
      expect(byTime.revision).toBe(stream.filter((other) => other.occurredAt <= event.occurredAt).length - 1);
    }
  });
});

/** What both sides know of a prompt: whether it lives, and its name. */
function promptView(state: PromptState) {
  return state.status === 'Active' ? { exists: true, name: state.name } : { exists: false, name: null };
}

function promptDocView(doc: PromptDoc | null) {
  return doc === null ? { exists: false, name: null } : { exists: true, name: doc.name };
}

function runView(state: RunState) {
  switch (state.status) {
    case 'NotRequested':
    case 'Deleted':
      return { status: null, rating: null };
    default:
      return { status: state.status, rating: 'rating' in state ? state.rating : null };
  }
}

function runDocView(doc: RunDoc | null) {
  return doc === null ? { status: null, rating: null } : { status: doc.status, rating: doc.rating };
}

function jobView(state: JobState) {
  switch (state.status) {
    case 'NotQueued':
      return { phase: null };
    case 'Queued':
      return { phase: 'queued', priority: state.priority, attempts: state.attempts };
    case 'Claimed':
      return { phase: 'claimed', node: state.node, attempt: state.attempt, stage: state.stage, cancelRequested: state.cancelRequested !== null };
    case 'Finished':
      return { phase: state.outcome, retriedAs: state.retriedAs, mergedInto: state.mergedInto };
  }
}

function jobDocView(doc: JobDoc | null) {
  if (doc === null) return { phase: null };
  switch (doc.status) {
    case 'queued':
      return { phase: 'queued', priority: doc.priority, attempts: doc.attempts };
    case 'claimed':
    case 'uploading':
    case 'running':
    case 'downloading':
      return { phase: 'claimed', node: doc.node, attempt: doc.attempts, stage: doc.stage, cancelRequested: doc.cancelRequested !== null };
    default:
      return { phase: doc.status, retriedAs: doc.retriedAs, mergedInto: doc.mergedInto };
  }
}
