import { createUnionType, Field, ObjectType } from '@nestjs/graphql';
import { CommandAccepted } from '../graphql/command-accepted.model.js';
import { InvalidInput, NotFound, RevisionConflict } from '../graphql/user-errors.model.js';
import { RunNotCompleted } from './run.errors.model.js';
import { Run } from './run.model.js';

@ObjectType()
export class RunRated {
  @Field(() => CommandAccepted)
  accepted: CommandAccepted;

  @Field(() => Run, { nullable: true })
  run: Run | null;
}

export const RateRunResult = createUnionType({
  name: 'RateRunResult',
  types: () => [RunRated, RunNotCompleted, NotFound, RevisionConflict, InvalidInput] as const,
  resolveType: (value: object) => value.constructor,
});

@ObjectType({ description: 'A run changed or was deleted, after the read model changed.' })
export class RunUpdate {
  @Field()
  runId: string;

  @Field()
  deleted: boolean;

  @Field(() => Run, { nullable: true })
  run: Run | null;
}
