import { Module } from '@nestjs/common';
import { CommandsModule } from '../graphql/commands.module.js';
import { NodesModule } from '../nodes/nodes.module.js';
import { JobsResolver } from './jobs.resolver.js';

/** Jobs: history, one job, its runs, why a queued one waits, and its updates. */
@Module({
  imports: [CommandsModule, NodesModule],
  providers: [JobsResolver],
})
export class JobsModule {}
