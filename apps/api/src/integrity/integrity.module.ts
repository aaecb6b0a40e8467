import { Module } from '@nestjs/common';
import { BatchingModule } from '../batching/batching.module.js';
import { CommandsModule } from '../graphql/commands.module.js';
import { ProjectionDriftCheck } from './projection-drift.check.js';
import { IntegrityService } from './integrity.service.js';
import { IntegrityResolver } from './integrity.resolver.js';

/** verifyIntegrity: read models against the files and a shadow rebuild, and the fixes. */
@Module({
  imports: [CommandsModule, BatchingModule],
  providers: [ProjectionDriftCheck, IntegrityService, IntegrityResolver],
})
export class IntegrityModule {}
