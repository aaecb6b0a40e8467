import { EventTypeRegistry } from '../../../eventstore/src/serialization/event-type.registry.js';
import { openSqlite, type SqliteDatabase } from '../../../eventstore/src/sqlite/open-sqlite.js';
import { SqliteEventStore } from '../../../eventstore/src/sqlite/sqlite.event-store.js';
import { busyWeek, wantedBy } from '../../../testing/src/catalog-history.fixture.js';
import { applyProjectionBatch } from '../projections/projection-batch.js';
import { ProjectionRunner } from '../projections/projection.runner.js';
import { SqliteDocumentStore } from '../sqlite/sqlite.document-store.js';
import type { RunDoc } from './run.doc.js';
import { runsProjection } from './runs.projection.js';

describe('runs projection on SQLite', () => {
  let db: SqliteDatabase;
  let events: SqliteEventStore;
  let documents: SqliteDocumentStore;
  const live = { collection: runsProjection.collection, checkpoint: runsProjection.name };

  beforeEach(() => {
    db = openSqlite(':memory:');
    events = new SqliteEventStore(db);
    documents = new SqliteDocumentStore(db);
  });

  afterEach(async () => {
    await documents.close();
    await events.close();
    db.close();
  });

  const stored = (collection = live.collection) => documents.find<RunDoc>(collection, {}, { sort: { id: 1 } });

  it('changes nothing when the same events are applied again, as a batch or one by one', async () => {
    const wanted = wantedBy(runsProjection, busyWeek().events);
    await applyProjectionBatch(documents, runsProjection, wanted, live);
    const once = await stored();
    expect(new Set(once.map((doc) => doc.status))).toEqual(new Set(['completed', 'failed', 'cancelled', 'running']));
    expect(once.some((doc) => doc.outputsDeleted)).toBe(true);

    await applyProjectionBatch(documents, runsProjection, wanted, live);
    for (const event of wanted) await applyProjectionBatch(documents, runsProjection, [event], live);
    expect(await stored()).toEqual(once);
  });

  it('changes nothing when a lost checkpoint makes it replay every event', async () => {
    const wanted = wantedBy(runsProjection, busyWeek().events);
    await applyProjectionBatch(documents, runsProjection, wanted, live);
    const once = await stored();

    await documents.deleteCheckpoint(live.checkpoint);
    await applyProjectionBatch(documents, runsProjection, wanted, live);
    expect(await stored()).toEqual(once);
  });

  it('rebuilds into a shadow collection exactly the documents live processing made in batches', async () => {
    await busyWeek().appendTo(events);
    const recorded = await events.readAll({ filter: runsProjection.filter });
    for (let from = 0, size = 1; from < recorded.length; from += size, size = (size % 5) + 1) {
      await applyProjectionBatch(documents, runsProjection, recorded.slice(from, from + size), live);
    }

    const runner = new ProjectionRunner(events, documents, new EventTypeRegistry(), [runsProjection], { batchSize: 7 });
    const shadow = await runner.rebuildInto(runsProjection, 'runs__shadow');

    expect(shadow.position).toBe(recorded[recorded.length - 1].position);
    expect((await stored()).length).toBe(27);
    expect(await stored(shadow.collection)).toEqual(await stored());
  });
});
