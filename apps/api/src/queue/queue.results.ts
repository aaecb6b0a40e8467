import { createUnionType, Field, ObjectType } from '@nestjs/graphql';
import { CommandAccepted } from '../graphql/command-accepted.model.js';
import { InvalidInput, RevisionConflict } from '../graphql/user-errors.model.js';
import { QueueAlreadyPaused, QueueNotPaused } from './queue.errors.model.js';
import { Queue } from './queue.model.js';

@ObjectType()
export class QueueChanged {
  @Field(() => CommandAccepted)
  accepted: CommandAccepted;

  @Field(() => Queue, { description: 'The queue as the read model shows it after the change.' })
  queue: Queue;
}

const byClass = (value: object) => value.constructor;

export const PauseQueueResult = createUnionType({
  name: 'PauseQueueResult',
  types: () => [QueueChanged, QueueAlreadyPaused, RevisionConflict, InvalidInput] as const,
  resolveType: byClass,
});

export const ResumeQueueResult = createUnionType({
  name: 'ResumeQueueResult',
  types: () => [QueueChanged, QueueNotPaused, RevisionConflict, InvalidInput] as const,
  resolveType: byClass,
});
