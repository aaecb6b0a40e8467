import { Global, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { COSMOS_CONFIG, type CosmosConfig } from '../../../libs/config/src/index.js';
import { CLOCK, EVENT_STORE, EVENT_TYPE_REGISTRY, EVENT_TYPES, EventSourcedCommandHandler, type EventStore, EventTypeRegistry, openSqlite, type SqliteDatabase, SqliteEventStore, systemClock } from '../../../libs/eventstore/src/index.js';
import { EventStoreDbEventStore } from '../../../libs/eventstore/src/eventstoredb/index.js';
import { DecideCommandHandler } from '../../../libs/eventstore/src/nest/index.js';
import { DOCUMENT_STORE, type DocumentStore, ReadModelConsistency, SqliteDocumentStore } from '../../../libs/read-models/src/index.js';
import { MongoDocumentStore } from '../../../libs/read-models/src/mongodb/index.js';

const SQLITE_DATABASE = Symbol('SQLITE_DATABASE');

/**
 * Closes the stores, then the SQLite handle they may share. onApplicationShutdown is Nest's last
 * phase, after projections stopped (onModuleDestroy) and the HTTP server drained its requests.
 */
@Injectable()
class StorageLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(DOCUMENT_STORE) private readonly documents: DocumentStore,
    @Inject(SQLITE_DATABASE) private readonly sqlite: SqliteDatabase | null,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.documents.close();
    await this.events.close();
    this.sqlite?.close();
  }
}

/**
 * The event store and the read-model store for the configured mode: one SQLite file for both
 * (embedded), or EventStoreDB + MongoDB (distributed). Also the generic command handler behind the
 * CommandBus, since it needs nothing but the event store.
 */
@Global()
@Module({
  providers: [
    {
      provide: SQLITE_DATABASE,
      inject: [COSMOS_CONFIG],
      useFactory: (config: CosmosConfig) => (config.storage.mode === 'embedded' ? openSqlite(config.storage.sqlitePath) : null),
    },
    {
      provide: EVENT_STORE,
      inject: [COSMOS_CONFIG, SQLITE_DATABASE],
      useFactory: (config: CosmosConfig, sqlite: SqliteDatabase | null): Promise<EventStore> | EventStore =>
        sqlite ? new SqliteEventStore(sqlite) : EventStoreDbEventStore.connect(config.storage.eventstoreConnectionString),
    },
    {
      provide: DOCUMENT_STORE,
      inject: [COSMOS_CONFIG, SQLITE_DATABASE],
      useFactory: (config: CosmosConfig, sqlite: SqliteDatabase | null): Promise<DocumentStore> | DocumentStore =>
        sqlite
          ? new SqliteDocumentStore(sqlite)
          : MongoDocumentStore.connect(config.storage.mongodbUri, config.storage.mongodbDatabase),
    },
    { provide: EVENT_TYPE_REGISTRY, useFactory: () => new EventTypeRegistry(EVENT_TYPES) },
    { provide: CLOCK, useValue: systemClock },
    {
      provide: EventSourcedCommandHandler,
      inject: [EVENT_STORE, EVENT_TYPE_REGISTRY],
      useFactory: (store: EventStore, registry: EventTypeRegistry) => new EventSourcedCommandHandler(store, registry),
    },
    DecideCommandHandler,
    {
      provide: ReadModelConsistency,
      inject: [DOCUMENT_STORE],
      useFactory: (documents: DocumentStore) => new ReadModelConsistency(documents),
    },
    StorageLifecycle,
  ],
  exports: [EVENT_STORE, DOCUMENT_STORE, EVENT_TYPE_REGISTRY, CLOCK, EventSourcedCommandHandler, ReadModelConsistency],
})
export class StorageModule {}
