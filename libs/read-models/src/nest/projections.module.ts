import { Global, Injectable, Logger, Module, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { COSMOS_CONFIG, type CosmosConfig } from '../../../config/src/index.js';
import { EVENT_STORE, EVENT_TYPE_REGISTRY, type EventStore, type EventTypeRegistry } from '../../../eventstore/src/index.js';
import { DOCUMENT_STORE, type DocumentStore } from '../document-store.port.js';
import { ALL_PROJECTIONS } from '../projections/all-projections.js';
import { PROJECTIONS, type Projection } from '../projections/projection.js';
import { ProjectionRunner } from '../projections/projection.runner.js';

/** Stops projections in the first shutdown phase, while the stores are still open. */
@Injectable()
class ProjectionLifecycle implements OnApplicationBootstrap, OnModuleDestroy {
  constructor(private readonly runner: ProjectionRunner) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.runner.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.runner.stop();
  }
}

/** The worker side of read models: runs every projection's subscription in this process. Global, so
 * the API's health check and status query find the runner when both roles share a process. */
@Global()
@Module({
  providers: [
    { provide: PROJECTIONS, useValue: ALL_PROJECTIONS },
    {
      provide: ProjectionRunner,
      inject: [EVENT_STORE, DOCUMENT_STORE, EVENT_TYPE_REGISTRY, PROJECTIONS, COSMOS_CONFIG],
      useFactory: (events: EventStore, documents: DocumentStore, registry: EventTypeRegistry, projections: Projection[], config: CosmosConfig) => {
        const logger = new Logger('ProjectionRunner');
        return new ProjectionRunner(events, documents, registry, projections, {
          batchSize: config.projections.batchSize,
          log: ({ level, msg, ...rest }) => logger[level === 'info' ? 'log' : level]({ msg, ...rest }),
        });
      },
    },
    ProjectionLifecycle,
  ],
  exports: [ProjectionRunner, PROJECTIONS],
})
export class ProjectionsModule {}
