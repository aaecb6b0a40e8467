import { Module } from '@nestjs/common';
import { CommandsModule } from '../graphql/commands.module.js';
import { RunsResolver } from './runs.resolver.js';
import { RunLogResolver } from './run-log.resolver.js';

/** Runs: the catalog, ratings, updates and the live container log. */
@Module({
  imports: [CommandsModule],
  providers: [RunsResolver, RunLogResolver],
})
export class RunsModule {}
