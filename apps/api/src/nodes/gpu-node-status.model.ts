import { Field, Float, Int, ObjectType } from '@nestjs/graphql';
import type { CosmosContainer, GpuReading, NodeStatus } from '../../../../libs/gpu/src/index.js';

@ObjectType({ description: 'One GPU as nvidia-smi reported it.' })
export class Gpu {
  @Field(() => Int)
  index: number;

  @Field()
  name: string;

  @Field(() => Int)
  memoryUsedMiB: number;

  @Field(() => Int)
  memoryTotalMiB: number;

  @Field(() => Float)
  utilizationPercent: number;

  @Field(() => Float, { nullable: true, description: 'Null where the board does not report it.' })
  temperatureC: number | null;

  @Field(() => Float, { nullable: true })
  powerDrawW: number | null;

  @Field(() => Float, { nullable: true })
  powerLimitW: number | null;

  static from(reading: GpuReading): Gpu {
    const { index, name, memoryUsedMiB, memoryTotalMiB, utilizationPercent, temperatureC, powerDrawW, powerLimitW } = reading;
    return Object.assign(new Gpu(), { index, name, memoryUsedMiB, memoryTotalMiB, utilizationPercent, temperatureC, powerDrawW, powerLimitW });
  }
}

@ObjectType({ description: 'A running container of ours (labelled cosmos.job); other containers on the node are never shown.' })
export class NodeContainer {
  @Field()
  name: string;

  @Field({ description: 'Docker container id.' })
  id: string;

  @Field()
  image: string;

  @Field()
  jobId: string;

  @Field(() => String, { nullable: true, description: 'The job kind its cosmos.kind label names.' })
  kind: string | null;

  @Field(() => [String])
  runIds: string[];

  @Field(() => [Int], { nullable: true, description: "The node's GPU indices its job holds (its cosmos.gpus label); null for a container started before GPU slots." })
  gpus: number[] | null;

  @Field({ description: "Docker's state, e.g. running." })
  status: string;

  @Field(() => Date, { nullable: true })
  startedAt: Date | null;

  @Field(() => Int, { nullable: true, description: 'Seconds from startedAt to when the node was checked.' })
  runningForSeconds: number | null;

  static from(container: CosmosContainer, checkedAt: Date): NodeContainer {
    const startedAt = container.startedAt === null ? null : new Date(container.startedAt);
    return Object.assign(new NodeContainer(), {
      name: container.name,
      id: container.id,
      image: container.image,
      jobId: container.jobId,
      kind: container.kind,
      runIds: [...container.runIds],
      gpus: container.gpus === null ? null : [...container.gpus],
      status: container.state,
      startedAt,
      runningForSeconds: startedAt === null ? null : Math.max(0, Math.round((checkedAt.getTime() - startedAt.getTime()) / 1000)),
    });
  }
}

@ObjectType({ description: 'A GPU node as a probe found it: SSH, docker, nvidia-smi and our running containers.' })
export class GpuNodeStatus {
  @Field()
  name: string;

  @Field({ description: 'The in-process simulated node (no [[gpu.nodes]] configured): no real GPU.' })
  simulated: boolean;

  @Field()
  host: string;

  @Field(() => Int)
  port: number;

  @Field()
  user: string;

  @Field()
  reachable: boolean;

  @Field(() => String, { nullable: true, description: 'Why the node could not be reached over SSH.' })
  sshError: string | null;

  @Field({ description: 'The docker daemon answered and listed containers.' })
  dockerOk: boolean;

  @Field(() => String, { nullable: true })
  dockerVersion: string | null;

  @Field(() => String, { nullable: true })
  dockerError: string | null;

  @Field(() => [Gpu])
  gpus: Gpu[];

  @Field(() => String, { nullable: true, description: 'nvidia-smi failed, or some of its lines could not be read.' })
  gpuError: string | null;

  @Field(() => String, { nullable: true })
  driverVersion: string | null;

  @Field(() => String, { nullable: true })
  cudaVersion: string | null;

  @Field(() => [NodeContainer], { description: 'Running containers of ours, newest first.' })
  containers: NodeContainer[];

  @Field()
  checkedAt: Date;

  static from(status: NodeStatus): GpuNodeStatus {
    const checkedAt = new Date(status.checkedAt);
    const { name, simulated, host, port, user } = status;
    const base = { name, simulated, host, port, user, checkedAt };
    if (!status.reachable) {
      return Object.assign(new GpuNodeStatus(), base, {
        reachable: false,
        sshError: status.sshError,
        dockerOk: false,
        dockerVersion: null,
        dockerError: null,
        gpus: [],
        gpuError: null,
        driverVersion: null,
        cudaVersion: null,
        containers: [],
      });
    }
    const { docker, gpus } = status;
    return Object.assign(new GpuNodeStatus(), base, {
      reachable: true,
      sshError: null,
      dockerOk: docker.ok,
      dockerVersion: docker.version,
      dockerError: docker.ok ? null : docker.error,
      containers: docker.ok ? docker.containers.map((container) => NodeContainer.from(container, checkedAt)) : [],
      gpus: gpus.ok ? gpus.gpus.map((reading) => Gpu.from(reading)) : [],
      gpuError: gpus.ok ? (gpus.problems.length > 0 ? gpus.problems.join('; ') : null) : gpus.error,
      driverVersion: gpus.ok ? gpus.driverVersion : null,
      cudaVersion: gpus.ok ? gpus.cudaVersion : null,
    });
  }
}
