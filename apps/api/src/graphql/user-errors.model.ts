import { Field, Int, InterfaceType, ObjectType } from '@nestjs/graphql';

/** Every typed error a mutation can return as a member of its result union. */
@InterfaceType()
export abstract class UserError {
  @Field({ description: 'Stable machine-readable code, e.g. QUEUE_ALREADY_PAUSED.' })
  code: string;

  @Field()
  message: string;
}

@ObjectType()
export class FieldProblem {
  @Field({ description: 'Input path, e.g. input.reason.' })
  field: string;

  @Field()
  problem: string;
}

@ObjectType({ implements: () => [UserError] })
export class InvalidInput implements UserError {
  code: string;
  message: string;

  @Field(() => [FieldProblem])
  fields: FieldProblem[];
}

@ObjectType({ implements: () => [UserError] })
export class NotFound implements UserError {
  code: string;
  message: string;
}

@ObjectType({ implements: () => [UserError], description: 'The revision you named is no longer current: reload and retry.' })
export class RevisionConflict implements UserError {
  code: string;
  message: string;

  @Field(() => Int)
  expectedRevision: number;

  @Field(() => Int)
  actualRevision: number;
}

@ObjectType({ implements: () => [UserError], description: 'The request does not fit the current state (for example, ending a run that already ended).' })
export class Conflict implements UserError {
  code: string;
  message: string;
}
