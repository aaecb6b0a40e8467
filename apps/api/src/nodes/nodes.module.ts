import { Module } from '@nestjs/common';
import { CommandsModule } from '../graphql/commands.module.js';
import { GpuNodeStatuses } from './gpu-node-statuses.service.js';
import { ContainerKillSwitch } from './container-kill.service.js';
import { GpuNodesResolver } from './gpu-nodes.resolver.js';
import { NodeHealth } from './node-health.service.js';

/** GPU nodes: status probes and their subscription, the kill switch, and the workers' word on which nodes answer. */
@Module({
  imports: [CommandsModule],
  providers: [GpuNodeStatuses, ContainerKillSwitch, GpuNodesResolver, NodeHealth],
  exports: [NodeHealth],
})
export class NodesModule {}
