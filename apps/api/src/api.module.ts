import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { AccessPolicy } from '../../../libs/auth/src/index.js';
import { COSMOS_CONFIG, type CosmosConfig } from '../../../libs/config/src/index.js';
import { AuthModule } from './auth/auth.module.js';
import { BatchingModule } from './batching/batching.module.js';
import { DashboardModule } from './dashboard/dashboard.module.js';
import { DeletionModule } from './deletion/deletion.module.js';
import { DomainErrorInterceptor } from './graphql/domain-error.interceptor.js';
import { graphqlOptions } from './graphql/graphql.options.js';
import { inputValidationPipe } from './graphql/input-validation.pipe.js';
import { WellFormedInputPipe } from './graphql/well-formed-input.pipe.js';
import { HealthModule } from './health/health.module.js';
import { HistoryModule } from './history/history.module.js';
import { InputsModule } from './inputs/inputs.module.js';
import { IntegrityModule } from './integrity/integrity.module.js';
import { JobsModule } from './jobs/jobs.module.js';
import { NodesModule } from './nodes/nodes.module.js';
import { PlaygroundAssets } from './playground/playground.assets.js';
import { PlaygroundModule } from './playground/playground.module.js';
import { ProjectionStatusModule } from './projections/projection-status.module.js';
import { PromptsModule } from './prompts/prompts.module.js';
import { QueueModule } from './queue/queue.module.js';
import { RequestsModule } from './requests/requests.module.js';
import { RunsModule } from './runs/runs.module.js';

/**
 * The API role: GraphQL (queries read read models; mutations issue commands) and health, one
 * feature module each; here only what applies to every request (errors, input checks).
 */
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
    HealthModule,
    DashboardModule,
    HistoryModule,
    InputsModule,
    PromptsModule,
    RunsModule,
    RequestsModule,
    JobsModule,
    QueueModule,
    BatchingModule,
    NodesModule,
    DeletionModule,
    IntegrityModule,
    ProjectionStatusModule,
  ],
  providers: [
    { provide: APP_INTERCEPTOR, useClass: DomainErrorInterceptor },
    { provide: APP_PIPE, useClass: WellFormedInputPipe },
    { provide: APP_PIPE, useValue: inputValidationPipe },
  ],
})
export class ApiModule {}
