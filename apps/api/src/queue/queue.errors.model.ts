import { Field, ObjectType } from '@nestjs/graphql';
import { UserError } from '../graphql/user-errors.model.js';

// Why pauseQueue or resumeQueue changed nothing.

@ObjectType({ implements: () => [UserError] })
export class QueueAlreadyPaused implements UserError {
  code: string;
  message: string;

  @Field()
  pausedAt: Date;

  @Field()
  pausedBy: string;
}

@ObjectType({ implements: () => [UserError] })
export class QueueNotPaused implements UserError {
  code: string;
  message: string;
}
