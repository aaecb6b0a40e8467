import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { AccessPolicy } from '../../../libs/auth/src/access-policy.js';
import { COSMOS_CONFIG, type CosmosConfig } from '../../../libs/config/src/index.js';
import { AuthModule } from './auth/auth.module.js';
import { DeletionPlanner } from './deletion/deletion.planner.js';
import { SmartBatchingResolver } from './batching/smart-batching.resolver.js';
import { SmartBatching } from './batching/smart-batching.service.js';
import { DeletionResolver } from './deletion/deletion.resolver.js';
import { DeletionService } from './deletion/deletion.service.js';
import { RunOutputFolders } from './deletion/run-output-folders.js';
import { catalogProvider } from './graphql/catalog.provider.js';
import { CommandIssuer } from './graphql/command.issuer.js';
import { DomainErrorInterceptor } from './graphql/domain-error.interceptor.js';
import { graphqlOptions } from './graphql/graphql.options.js';
import { inputValidationPipe } from './graphql/input-validation.pipe.js';
import { WellFormedInputPipe } from './graphql/well-formed-input.pipe.js';
import { HealthController } from './health/health.controller.js';
import { HistoryModule } from './history/history.module.js';
import { IntegrityResolver } from './integrity/integrity.resolver.js';
import { IntegrityService } from './integrity/integrity.service.js';
import { ProjectionDriftCheck } from './integrity/projection-drift.check.js';
import { JobsResolver } from './jobs/jobs.resolver.js';
import { ContainerKillSwitch } from './nodes/container-kill.service.js';
import { GpuNodeStatuses } from './nodes/gpu-node-statuses.service.js';
import { GpuNodesResolver } from './nodes/gpu-nodes.resolver.js';
import { NodeHealth } from './nodes/node-health.service.js';
import { PlaygroundAssets } from './playground/playground.assets.js';
import { PlaygroundModule } from './playground/playground.module.js';
import { ProjectionsResolver } from './projections/projections.resolver.js';
import { PromptCreationService } from './prompts/prompt-creation.service.js';
import { PromptsResolver } from './prompts/prompts.resolver.js';
import { BulkCancelResolver } from './queue/bulk-cancel.resolver.js';
import { QueueResolver } from './queue/queue.resolver.js';
import { JobRequests } from './requests/job-requests.service.js';
import { PromptEnhancement } from './requests/prompt-enhancement.service.js';
import { RequestsResolver } from './requests/requests.resolver.js';
import { RunLogResolver } from './runs/run-log.resolver.js';
import { RunsResolver } from './runs/runs.resolver.js';

/** The API role: GraphQL (queries read read models; mutations issue commands) and health. */
@Module({
  imports: [
    GraphQLModule.forRootAsync<ApolloDriverConfig>({
      driver: ApolloDriver,
      imports: [AuthModule, PlaygroundModule],
      inject: [COSMOS_CONFIG, PlaygroundAssets, AccessPolicy],
      useFactory: (config: CosmosConfig, playground: PlaygroundAssets, policy: AccessPolicy) => graphqlOptions(config, playground, policy),
    }),
    AuthModule,
    PlaygroundModule,
    HistoryModule,
  ],
  controllers: [HealthController],
  providers: [
    CommandIssuer,
    catalogProvider,
    PromptCreationService,
    QueueResolver,
    BulkCancelResolver,
    PromptsResolver,
    RunsResolver,
    RunLogResolver,
    JobsResolver,
    JobRequests,
    PromptEnhancement,
    RequestsResolver,
    ProjectionsResolver,
    RunOutputFolders,
    DeletionPlanner,
    DeletionService,
    DeletionResolver,
    ProjectionDriftCheck,
    IntegrityService,
    IntegrityResolver,
    GpuNodeStatuses,
    ContainerKillSwitch,
    GpuNodesResolver,
    NodeHealth,
    SmartBatching,
    SmartBatchingResolver,
    { provide: APP_INTERCEPTOR, useClass: DomainErrorInterceptor },
    { provide: APP_PIPE, useClass: WellFormedInputPipe },
    { provide: APP_PIPE, useValue: inputValidationPipe },
  ],
})
export class ApiModule {}
