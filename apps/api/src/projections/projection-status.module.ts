import { Module } from '@nestjs/common';
import { ProjectionsResolver } from './projections.resolver.js';

/** The read models kept in this process: their status and rebuilds. */
@Module({
  providers: [ProjectionsResolver],
})
export class ProjectionStatusModule {}
