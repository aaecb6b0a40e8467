import { applyDecorators } from '@nestjs/common';
import { Field } from '@nestjs/graphql';
import { IsOptional, IsString, MaxLength } from 'class-validator';

/** Longest reason a user may give; it is kept in the history with the event. */
export const MAX_REASON_LENGTH = 500;

/** The optional `reason` of a command input, validated the same everywhere. */
export function ReasonField(): PropertyDecorator {
  return applyDecorators(
    Field(() => String, { nullable: true, description: `Why, for the history (at most ${MAX_REASON_LENGTH} characters).` }),
    IsOptional(),
    IsString(),
    MaxLength(MAX_REASON_LENGTH),
  );
}
