import { type EventStore, EventTypeRegistry, openSqlite, type RecordedEvent, type SqliteDatabase, SqliteEventStore } from '../../eventstore/src/index.js';
import { applyProjectionBatch, type Doc, type Projection, ProjectionRunner, SqliteDocumentStore } from '../../read-models/src/index.js';
import { busyWeek, wantedBy } from './catalog-history.fixture.js';

/** Recorded events, as a fixture builds them, that can also be written to a real store. */
export interface LawHistory {
  readonly events: readonly RecordedEvent[];
  appendTo(store: EventStore): Promise<void>;
}

export interface ProjectionLawOptions<D extends Doc> {
  /** How many documents the history leaves. */
  readonly documents: number;
  /** Asserts the history exercised what matters for this projection (so the laws are not vacuous). */
  readonly coverage: (docs: D[]) => void;
  /** A fresh history per test; the catalog's busy week unless the projection folds other streams. */
  readonly history?: () => LawHistory;
}

/**
 * The laws every projection keeps, on a realistic history: handling events again —
 * as a batch, one by one, or from a lost checkpoint — changes nothing, and a rebuild into a
 * shadow collection equals what live processing made in batches of varying size.
 */
export function describeProjectionLaws<D extends Doc>(projection: Projection<D>, options: ProjectionLawOptions<D>): void {
  const history = options.history ?? busyWeek;
  describe(`${projection.name} projection laws (SQLite)`, () => {
    let db: SqliteDatabase;
    let events: SqliteEventStore;
    let documents: SqliteDocumentStore;
    const live = { collection: projection.collection, checkpoint: projection.name };
    const stored = (collection = live.collection) => documents.find<D>(collection, {}, { sort: { id: 1 } });
    const apply = (batch: readonly RecordedEvent[]) => applyProjectionBatch(documents, projection as Projection, batch, live);

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

    it('changes nothing when the same events are applied again, as a batch or one by one', async () => {
      const wanted = wantedBy(projection as Projection, history().events);
      await apply(wanted);
      const once = await stored();
      options.coverage(once);

      await apply(wanted);
      for (const event of wanted) await apply([event]);
      expect(await stored()).toEqual(once);
    });

    it('changes nothing when a lost checkpoint makes it replay every event', async () => {
      const wanted = wantedBy(projection as Projection, history().events);
      await apply(wanted);
      const once = await stored();

      await documents.deleteCheckpoint(live.checkpoint);
      await apply(wanted);
      expect(await stored()).toEqual(once);
    });

    it('rebuilds into a shadow collection exactly the documents live processing made in batches', async () => {
      await history().appendTo(events);
      const recorded = await events.readAll({ filter: projection.filter });
      for (let from = 0, size = 1; from < recorded.length; from += size, size = (size % 5) + 1) {
        await apply(recorded.slice(from, from + size));
      }

      const runner = new ProjectionRunner(events, documents, new EventTypeRegistry(), [projection as Projection], { batchSize: 7 });
      const shadow = await runner.rebuildInto(projection as Projection, `${projection.collection}__shadow`);

      expect(shadow.position).toBe(recorded[recorded.length - 1].position);
      expect((await stored()).length).toBe(options.documents);
      expect(await stored(shadow.collection)).toEqual(await stored());
    });
  });
}
