import { Module } from '@nestjs/common';
import { ProjectionsModule } from '../../../libs/read-models/src/projections/projections.module.js';

/** The worker role: keeps read models (and, in later issues, sagas and GPU drivers) running. */
@Module({
  imports: [ProjectionsModule],
  exports: [ProjectionsModule],
})
export class WorkerModule {}
