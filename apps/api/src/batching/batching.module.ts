import { Module } from '@nestjs/common';
import { CommandsModule } from '../graphql/commands.module.js';
import { SmartBatching } from './smart-batching.service.js';
import { SmartBatchingResolver } from './smart-batching.resolver.js';

/** Smart batching: the plan of which queued jobs could share a container, and applying it. */
@Module({
  imports: [CommandsModule],
  providers: [SmartBatching, SmartBatchingResolver],
  exports: [SmartBatching],
})
export class BatchingModule {}
