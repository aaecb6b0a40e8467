import { applyDecorators } from '@nestjs/common';
import { Field, InputType, registerEnumType } from '@nestjs/graphql';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { type HistoryFilter, pointInHistory, type PointInHistory } from '../../../../libs/history/src/index.js';

export enum EventDirection {
  FORWARD = 'FORWARD',
  BACKWARD = 'BACKWARD',
}
registerEnumType(EventDirection, { name: 'EventDirection', description: 'FORWARD: oldest first. BACKWARD: newest first.' });

/** Positions travel as digit strings: they exceed 32 bits on EventStoreDB. */
const OptionalLogPosition = () => applyDecorators(IsOptional(), Matches(/^\d{1,16}$/, { message: '$property must be a log position (digits)' }));

@InputType({ description: 'Every field given narrows the events (AND); a list matches any of its values.' })
export class EventFilterInput {
  @Field(() => [String], { nullable: true, description: 'Exact stream ids, e.g. `job-job_…`.' })
  @IsOptional()
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  streams?: string[];

  @Field(() => [String], { nullable: true, description: 'Stream categories: prompt, run, job, queue, batchplan, idempotency.' })
  @IsOptional()
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  categories?: string[];

  @Field(() => [String], { nullable: true, description: 'Event types, e.g. JobQueued.' })
  @IsOptional()
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  types?: string[];

  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  correlationId?: string;

  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  causationId?: string;

  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  actor?: string;

  @Field({ nullable: true, description: 'ISO time; events that occurred at or after it.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  occurredFrom?: string;

  @Field({ nullable: true, description: 'ISO time; events that occurred before it.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  occurredBefore?: string;

  @Field({ nullable: true, description: 'Inclusive lower log position.' })
  @OptionalLogPosition()
  fromPosition?: string;

  @Field({ nullable: true, description: 'Inclusive upper log position.' })
  @OptionalLogPosition()
  toPosition?: string;
}

/** Positions travel as strings (they exceed 32 bits on EventStoreDB); anything else is left to the library to refuse. */
export function historyFilter(input: EventFilterInput | null | undefined): HistoryFilter {
  if (!input) return {};
  const position = (value: string | undefined) => (value === undefined || value === null ? undefined : Number(value));
  return {
    ...(input.streams ? { streamIds: input.streams } : {}),
    ...(input.categories ? { categories: input.categories } : {}),
    ...(input.types ? { eventTypes: input.types } : {}),
    ...(input.correlationId != null ? { correlationId: input.correlationId } : {}),
    ...(input.causationId != null ? { causationId: input.causationId } : {}),
    ...(input.actor != null ? { actor: input.actor } : {}),
    ...(input.occurredFrom != null ? { occurredFrom: input.occurredFrom } : {}),
    ...(input.occurredBefore != null ? { occurredBefore: input.occurredBefore } : {}),
    ...(input.fromPosition != null ? { fromPosition: position(input.fromPosition) } : {}),
    ...(input.toPosition != null ? { toPosition: position(input.toPosition) } : {}),
  };
}

@InputType({ description: 'A moment in history: exactly one of a time or a log position (inclusive).' })
export class PointInHistoryInput {
  @Field({ nullable: true, description: 'ISO time: the events that occurred up to it.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  time?: string;

  @Field({ nullable: true, description: 'A log position: the events up to it.' })
  @OptionalLogPosition()
  position?: string;
}

export function toPointInHistory(input: PointInHistoryInput): PointInHistory {
  return pointInHistory({ time: input.time, position: input.position == null ? null : Number(input.position) });
}
