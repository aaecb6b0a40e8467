import { QueueAlreadyPaused, type QueueCommand, queueDecider, RevisionConflict } from '../../../domain/src/index.js';
import { EventTypeRegistry } from '../serialization/event-type.registry.js';
import { EVENT_TYPES } from '../serialization/event-types.js';
import { openSqlite, type SqliteDatabase } from '../sqlite/open-sqlite.js';
import { SqliteEventStore } from '../sqlite/sqlite.event-store.js';
import { EventSourcedCommandHandler } from './event-sourced.command-handler.js';

const now = '2026-11-28T10:00:00.000Z';
const pause = (actor: string): QueueCommand => ({ type: 'PauseQueue', actor, reason: null, now });
const resume = (actor: string): QueueCommand => ({ type: 'ResumeQueue', actor, reason: null, now });

describe('event-sourced command handler (SQLite)', () => {
  let db: SqliteDatabase;
  let store: SqliteEventStore;
  let handler: EventSourcedCommandHandler;

  beforeEach(() => {
    db = openSqlite(':memory:');
    store = new SqliteEventStore(db);
    handler = new EventSourcedCommandHandler(store, new EventTypeRegistry(EVENT_TYPES));
  });

  afterEach(async () => {
    await store.close();
    db.close();
  });

  it('appends the decided events with the full metadata envelope', async () => {
    const result = await handler.handle(queueDecider, 'queue', pause('ana'), {
      commandId: 'cmd-1',
      correlationId: 'req-9',
      actor: 'ana',
      now,
    });
    expect(result).toMatchObject({ streamId: 'queue', revision: 0, duplicate: false });
    const [stored] = await store.readStream('queue');
    expect(stored.type).toBe('QueuePaused');
    expect(stored.metadata).toEqual({ occurredAt: now, correlationId: 'req-9', causationId: 'cmd-1', schemaVersion: 1, actor: 'ana' });
    expect(stored.position).toBe(result.position);
  });

  it('recognises a command handled before and appends nothing twice', async () => {
    const context = { commandId: 'cmd-1', actor: 'ana', now };
    const first = await handler.handle(queueDecider, 'queue', pause('ana'), context);
    const again = await handler.handle(queueDecider, 'queue', pause('ana'), context);
    expect(again).toMatchObject({ duplicate: true, revision: first.revision, position: first.position });
    expect(await store.readStream('queue')).toHaveLength(1);
  });

  it('lets a rule refuse the command and writes nothing', async () => {
    await handler.handle(queueDecider, 'queue', pause('ana'), { commandId: 'c1', actor: 'ana', now });
    await expect(handler.handle(queueDecider, 'queue', pause('ben'), { commandId: 'c2', actor: 'ben', now })).rejects.toThrow(QueueAlreadyPaused);
    expect(await store.readStream('queue')).toHaveLength(1);
  });

  it('surfaces a stale revision on a user command as RevisionConflict', async () => {
    await handler.handle(queueDecider, 'queue', pause('ana'), { commandId: 'c1', actor: 'ana', now });
    await expect(
      handler.handle(queueDecider, 'queue', resume('ben'), { commandId: 'c2', actor: 'ben', now, expectedRevision: -1 }),
    ).rejects.toThrow(RevisionConflict);
    expect(await store.readStream('queue')).toHaveLength(1);
  });

  it('retries system commands that lost a race, deciding again on the fresh state', async () => {
    // Ten concurrent toggles on one stream: each must land exactly once, in some order, with
    // pause and resume strictly alternating because every retry re-reads and re-decides.
    const toggles = Array.from({ length: 10 }, (_, i) => i);
    const outcomes = await Promise.allSettled(
      toggles.map(async (i) => {
        for (let attempt = 0; attempt < 20; attempt++) {
          try {
            return await handler.handle(queueDecider, 'queue', pause(`w${i}`), { commandId: `p${i}-${attempt}`, actor: `w${i}`, now });
          } catch (error) {
            if (!(error instanceof QueueAlreadyPaused)) throw error;
            await handler.handle(queueDecider, 'queue', resume(`w${i}`), { commandId: `r${i}-${attempt}`, actor: `w${i}`, now }).catch(() => undefined);
          }
        }
        throw new Error('never paused');
      }),
    );
    expect(outcomes.every((o) => o.status === 'fulfilled')).toBe(true);
    const types = (await store.readStream('queue')).map((e) => e.type);
    types.forEach((type, i) => expect(type).toBe(i % 2 === 0 ? 'QueuePaused' : 'QueueResumed'));
  });
});
