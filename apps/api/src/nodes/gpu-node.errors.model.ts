import { Field, ObjectType } from '@nestjs/graphql';
import { UserError } from '../graphql/user-errors.model.js';
import { NodeContainer } from './gpu-node-status.model.js';

// The kill switch asks twice.

@ObjectType({ implements: () => [UserError], description: 'killContainers needs confirm: true; nothing was killed. This is what would be.' })
export class KillNotConfirmed implements UserError {
  code: string;
  message: string;

  @Field()
  node: string;

  @Field(() => [NodeContainer], { description: 'Our running containers on the node, each killed by name on confirm.' })
  containers: NodeContainer[];

  @Field(() => [String], { description: 'Active jobs of those containers, which would fail with KILLED (their active runs too).' })
  jobIds: string[];
}
