import { ObjectType } from '@nestjs/graphql';
import { UserError } from '../graphql/user-errors.model.js';

// What a run must be before it is rated, upscaled or deleted.

@ObjectType({ implements: () => [UserError], description: 'Only completed runs can be rated or upscaled.' })
export class RunNotCompleted implements UserError {
  code: string;
  message: string;
}

@ObjectType({ implements: () => [UserError], description: 'The run is still in progress; cancel it or wait.' })
export class RunActive implements UserError {
  code: string;
  message: string;
}
