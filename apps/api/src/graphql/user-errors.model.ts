import { Field, Int, InterfaceType, ObjectType } from '@nestjs/graphql';
import { DeletionPreview } from '../deletion/deletion-preview.model.js';
import { NodeContainer } from '../nodes/gpu-node-status.model.js';

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

@ObjectType({ implements: () => [UserError], description: 'The prompt has runs still in progress; cancel them or wait.' })
export class PromptHasActiveRuns implements UserError {
  code: string;
  message: string;

  @Field(() => [String])
  activeRunIds: string[];
}

@ObjectType({ implements: () => [UserError], description: 'OVERWRITE would change the text these runs were made from: enhance with CREATE_NEW, or force to delete them.' })
export class PromptHasRuns implements UserError {
  code: string;
  message: string;

  @Field(() => [String], { description: 'The runs that are not enhancements.' })
  runIds: string[];

  @Field(() => DeletionPreview, { description: 'What force would delete: the same preview as deletionPreview.' })
  preview: DeletionPreview;
}

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

@ObjectType({ implements: () => [UserError], description: 'The request does not fit the current state (for example, ending a run that already ended).' })
export class Conflict implements UserError {
  code: string;
  message: string;
}

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
