import { Global, Injectable, Logger, Module, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { COSMOS_CONFIG, type CosmosConfig } from '../../../config/src/index.js';
import { EVENT_STORE, type EventStore } from '../../../eventstore/src/event-store.port.js';
import { EVENT_TYPE_REGISTRY, type EventTypeRegistry } from '../../../eventstore/src/serialization/event-type.registry.js';
import { DOCUMENT_STORE, type DocumentStore } from '../document-store.port.js';
import { jobsProjection } from '../jobs/jobs.projection.js';
import { gpuNodesProjection } from '../nodes/gpu-nodes.projection.js';
import { promptsProjection } from '../prompts/prompts.projection.js';
import { queueProjection } from '../queue/queue.projection.js';
import { runsProjection } from '../runs/runs.projection.js';
import { statsProjection } from '../stats/stats.projection.js';
import { PROJECTIONS, type Projection } from './projection.js';
import { ProjectionRunner } from './projection.runner.js';

/** Every read model the worker keeps; a new projection is one more entry here. */
export const ALL_PROJECTIONS: readonly Projection[] = [queueProjection, promptsProjection, runsProjection, jobsProjection, statsProjection as Projection, gpuNodesProjection as Projection];

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
