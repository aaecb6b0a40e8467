import { Module } from '@nestjs/common';
import { ProjectionsModule } from '../../../libs/read-models/src/nest/index.js';
import { JobDispatcher } from './jobs/job-dispatcher.js';

/** The worker role: keeps read models running and drives queued jobs on the GPU nodes (GpuNodesModule, global). */
@Module({
  imports: [ProjectionsModule],
  providers: [JobDispatcher],
  exports: [ProjectionsModule],
})
export class WorkerModule {}
