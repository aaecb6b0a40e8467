import { Module } from '@nestjs/common';
import { CommandsModule } from '../graphql/commands.module.js';
import { RunOutputFolders } from './run-output-folders.js';
import { DeletionPlanner } from './deletion.planner.js';
import { DeletionService } from './deletion.service.js';
import { DeletionResolver } from './deletion.resolver.js';

/** Deleting prompts and runs (one or all), with the preview of what goes and what stays. */
@Module({
  imports: [CommandsModule],
  providers: [RunOutputFolders, DeletionPlanner, DeletionService, DeletionResolver],
  exports: [RunOutputFolders, DeletionPlanner, DeletionService],
})
export class DeletionModule {}
