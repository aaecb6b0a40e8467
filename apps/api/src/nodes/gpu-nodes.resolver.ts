import { Args, Context, Mutation, Query, Resolver, Subscription } from '@nestjs/graphql';
import type { NodeStatus } from '../../../../libs/gpu/src/index.js';
import { Requires } from '../auth/requires.decorator.js';
import type { RequestContext } from '../graphql/request-context.js';
import { ContainerKillSwitch } from './container-kill.service.js';
import { GpuNodeStatus, NodeContainer } from './gpu-node-status.model.js';
import { GpuNodeStatuses } from './gpu-node-statuses.service.js';
import { ContainerKillFailure, ContainersKilled, KillContainersResult } from './gpu-nodes.results.js';

@Resolver(() => GpuNodeStatus)
export class GpuNodesResolver {
  constructor(
    private readonly statuses: GpuNodeStatuses,
    private readonly killSwitch: ContainerKillSwitch,
  ) {}

  @Query(() => [GpuNodeStatus], { description: 'Every GPU node, probed now (SSH, docker, nvidia-smi, our containers), side by side.' })
  async gpuNodes(): Promise<GpuNodeStatus[]> {
    return (await this.statuses.probe()).map((status) => GpuNodeStatus.from(status));
  }

  @Subscription(() => [GpuNodeStatus], {
    description: 'Every GPU node: at once, then whenever a probe (every gpu.status_interval_ms) finds a change.',
    resolve: (statuses: readonly NodeStatus[]) => statuses.map((status) => GpuNodeStatus.from(status)),
  })
  gpuNodesChanged(): AsyncIterableIterator<readonly NodeStatus[]> {
    return this.statuses.watch();
  }

  @Requires('admin')
  @Mutation(() => KillContainersResult, {
    description:
      'Kill every running container of ours on a node (by name; never other containers) and fail their jobs and active runs with KILLED. ' +
      'Without confirm: true nothing happens and KillNotConfirmed lists what would be killed.',
  })
  async killContainers(
    @Context() request: RequestContext,
    @Args('node') node: string,
    @Args('confirm') confirm: boolean,
  ): Promise<typeof KillContainersResult> {
    const report = await this.killSwitch.kill(node, confirm, request);
    const checkedAt = new Date(report.checkedAt);
    return Object.assign(new ContainersKilled(), {
      node: report.node,
      killed: report.killed.map((container) => NodeContainer.from(container, checkedAt)),
      jobIds: [...report.jobIds],
      failures: report.failures.map((failure) => Object.assign(new ContainerKillFailure(), failure)),
    });
  }
}
