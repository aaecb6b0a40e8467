import { type EventStore, openSqlite, SqliteEventStore } from '../../../eventstore/src/index.js';
import { EventStoreDbEventStore } from '../../../eventstore/src/eventstoredb/index.js';

export interface OpenedStore {
  readonly store: EventStore;
  /** What the store is, for messages: the file or the server, never a password. */
  readonly label: string;
  close(): Promise<void>;
}

const EVENTSTOREDB = /^(esdb|esdb\+discover|kurrentdb|kurrentdb\+discover|kurrent|kurrent\+discover):\/\//;

/**
 * An event store named on a command line: an EventStoreDB/KurrentDB connection string
 * (`esdb://host:2113?tls=false`), or a SQLite file (`sqlite:PATH` or just the path; a new file
 * is created).
 */
export async function openStoreAt(address: string): Promise<OpenedStore> {
  if (EVENTSTOREDB.test(address)) {
    const store = await EventStoreDbEventStore.connect(address);
    return { store, label: address.replace(/\/\/[^@/]*@/, '//…@'), close: () => store.close() };
  }
  const path = address.startsWith('sqlite:') ? address.slice('sqlite:'.length) : address;
  const db = openSqlite(path);
  const store = new SqliteEventStore(db);
  return {
    store,
    label: path,
    close: async () => {
      await store.close();
      db.close();
    },
  };
}
