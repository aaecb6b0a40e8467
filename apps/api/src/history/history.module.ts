import { Module } from '@nestjs/common';
import { EVENT_STORE, EVENT_TYPE_REGISTRY, type EventStore, type EventTypeRegistry } from '../../../../libs/eventstore/src/index.js';
import { EventHistory } from '../../../../libs/history/src/index.js';
import { EventsExportController } from './events-export.controller.js';
import { JobHistoryResolver, PromptHistoryResolver, RunHistoryResolver } from './entity-history.resolver.js';
import { HistoryResolver } from './history.resolver.js';
import { StatsResolver } from './stats.resolver.js';

/** The analysts' event history over GraphQL (browse, trace, time travel, live, statistics) and NDJSON export. */
@Module({
  controllers: [EventsExportController],
  providers: [
    {
      provide: EventHistory,
      inject: [EVENT_STORE, EVENT_TYPE_REGISTRY],
      useFactory: (events: EventStore, registry: EventTypeRegistry) => new EventHistory(events, registry),
    },
    HistoryResolver,
    PromptHistoryResolver,
    RunHistoryResolver,
    JobHistoryResolver,
    StatsResolver,
  ],
})
export class HistoryModule {}
