import { Module, type DynamicModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import type { CosmosConfig } from '../../../libs/config/src/index.js';
import { CosmosConfigModule } from '../../../libs/config/src/nest/index.js';
import { StorageModule } from './storage.module.js';
import { ApiModule } from '../../api/src/api.module.js';
import { OutputsModule } from '../../api/src/outputs/outputs.module.js';
import { WorkerModule } from '../../worker/src/worker.module.js';
import { GpuNodesModule } from './gpu-nodes.module.js';

/**
 * The root module for a role: `all` (embedded default) puts API and worker in one process; `api`
 * and `worker` are the halves the distributed mode runs separately.
 */
@Module({})
export class CosmosModule {
  static forRole(config: CosmosConfig): DynamicModule {
    const role = config.runtime.role;
    return {
      module: CosmosModule,
      imports: [
        CosmosConfigModule.forRoot(config),
        CqrsModule.forRoot(),
        StorageModule,
        GpuNodesModule,
        ...(role === 'api' ? [] : [WorkerModule]),
        ...(role === 'worker' ? [] : [ApiModule, OutputsModule.forRoot(config.paths.outputsRoot)]),
      ],
    };
  }
}
