import { Global, Inject, Injectable, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { join } from 'node:path';
import { COSMOS_CONFIG, type CosmosConfig } from '../../../libs/config/src/index.js';
import { configuredNode, GPU_NODES, gpuNode, gpuNodeList, type GpuNodes } from '../../../libs/gpu/src/index.js';
import { startSimulatedNode } from '../../../libs/gpu-sim/src/index.js';

/** The name the simulated node goes by in events, logs and the API. */
export const SIMULATED_NODE_NAME = 'simulated';

/**
 * The configured `[[gpu.nodes]]`, or with none (and `gpu.simulated_when_empty`) one simulated
 * node in this process so `npm start` runs jobs end to end. An api-only process never simulates:
 * the node would exist only in a process that runs no worker.
 */
export async function openGpuNodes(config: CosmosConfig, env: NodeJS.ProcessEnv = process.env): Promise<GpuNodes> {
  const logger = new Logger('GpuNodes');
  if (config.gpu.nodes.length > 0) return gpuNodeList(config.gpu.nodes.map((node) => configuredNode(node, env, logger)));
  if (!config.gpu.simulatedWhenEmpty || config.runtime.role === 'api') return gpuNodeList([]);
  const simulated = await startSimulatedNode({
    name: SIMULATED_NODE_NAME,
    dir: join(config.storage.dataDir, 'simulated-gpu'),
    behaviour: { durationMs: config.gpu.simulatedDurationMs },
  });
  logger.log({ msg: 'no [[gpu.nodes]] configured: jobs run on the simulated GPU node', node: SIMULATED_NODE_NAME, port: simulated.ssh.port });
  return gpuNodeList([gpuNode(simulated.ssh, simulated.executor, true, logger)], () => simulated.stop());
}

/** Closes the connections last, after the worker has let go of its jobs (onModuleDestroy runs before this). */
@Injectable()
class GpuNodesLifecycle implements OnApplicationShutdown {
  constructor(@Inject(GPU_NODES) private readonly nodes: GpuNodes) {}

  async onApplicationShutdown(): Promise<void> {
    await this.nodes.close();
  }
}

@Global()
@Module({
  providers: [{ provide: GPU_NODES, inject: [COSMOS_CONFIG], useFactory: (config: CosmosConfig) => openGpuNodes(config) }, GpuNodesLifecycle],
  exports: [GPU_NODES],
})
export class GpuNodesModule {}
