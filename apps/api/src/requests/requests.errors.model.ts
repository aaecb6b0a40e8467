import { Field, ObjectType } from '@nestjs/graphql';
import { UserError } from '../graphql/user-errors.model.js';

// A request that cannot be queued as sent.

@ObjectType({ implements: () => [UserError], description: 'The idempotency key already named another request: nothing was queued. Use a new key for a different request.' })
export class IdempotencyKeyReused implements UserError {
  code: string;
  message: string;
  @Field()
  key: string;
  @Field({ description: 'The job the key named first.' })
  jobId: string;
  @Field(() => [String], { description: 'What differs from the first request: kind, prompts, config, priority.' })
  differences: string[];
}
