import { createUnionType, Field, ObjectType } from '@nestjs/graphql';
import { InvalidInput, NotFound, RevisionConflict } from '../graphql/user-errors.model.js';
import { KillNotConfirmed } from './gpu-node.errors.model.js';
import { NodeContainer } from './gpu-node-status.model.js';

@ObjectType({ description: 'A container the kill switch could not kill; its job was failed all the same.' })
export class ContainerKillFailure {
  @Field()
  name: string;

  @Field()
  message: string;
}

@ObjectType()
export class ContainersKilled {
  @Field()
  node: string;

  @Field(() => [NodeContainer], { description: 'Killed by name (or found stopped by then).' })
  killed: NodeContainer[];

  @Field(() => [String], { description: 'Jobs failed with KILLED, their active runs with them.' })
  jobIds: string[];

  @Field(() => [ContainerKillFailure])
  failures: ContainerKillFailure[];
}

export const KillContainersResult = createUnionType({
  name: 'KillContainersResult',
  // RevisionConflict: a job stream kept changing (its worker writing) while FailJob retried on fresh reads.
  types: () => [ContainersKilled, KillNotConfirmed, NotFound, RevisionConflict, InvalidInput] as const,
  resolveType: (value: object) => value.constructor,
});
