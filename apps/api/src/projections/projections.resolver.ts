import { Optional } from '@nestjs/common';
import { Args, createUnionType, Mutation, Query, Resolver } from '@nestjs/graphql';
import { IsString, MaxLength } from 'class-validator';
import { Field, InputType } from '@nestjs/graphql';
import { DomainError } from '../../../../libs/domain/src/index.js';
import { ProjectionRunner, type ProjectionStatus } from '../../../../libs/read-models/src/index.js';
import { Requires } from '../auth/requires.decorator.js';
import { InvalidInput, NotFound } from '../graphql/user-errors.model.js';
import { ProjectionStatusModel, RebuildStarted, type ProjectionStateValue } from './projection-status.model.js';

@InputType()
export class RebuildProjectionInput {
  @Field()
  @IsString()
  @MaxLength(100)
  name: string;
}

export const RebuildProjectionResult = createUnionType({
  name: 'RebuildProjectionResult',
  types: () => [RebuildStarted, NotFound, InvalidInput] as const,
  resolveType: (value: object) => value.constructor,
});

/**
 * Operators' view of the read models. Projections run in worker processes; an API-only process
 * has no runner and answers with an empty list (the workers' own status is what counts).
 */
@Resolver()
export class ProjectionsResolver {
  constructor(@Optional() private readonly runner?: ProjectionRunner) {}

  @Query(() => [ProjectionStatusModel])
  async projections(): Promise<ProjectionStatusModel[]> {
    return (await this.runner?.status())?.map(toModel) ?? [];
  }

  @Requires('admin')
  @Mutation(() => RebuildProjectionResult, {
    description: 'Rebuild one read model from the first event into a fresh collection, then switch over. Progress shows in `projections`.',
  })
  rebuildProjection(@Args('input') input: RebuildProjectionInput): typeof RebuildProjectionResult {
    if (!this.runner || !this.runner.names().includes(input.name)) {
      throw new DomainError('NOT_FOUND', `No projection "${input.name}" runs in this process; known: ${this.runner?.names().join(', ') || 'none'}`);
    }
    // The rebuild outlives the request; its outcome shows in the projection's status.
    void this.runner.rebuild(input.name).catch(() => undefined);
    return Object.assign(new RebuildStarted(), { name: input.name });
  }
}

function toModel(status: ProjectionStatus): ProjectionStatusModel {
  return Object.assign(new ProjectionStatusModel(), {
    ...status,
    state: status.state as ProjectionStateValue,
    checkpoint: status.checkpoint === null ? null : String(status.checkpoint),
    head: String(status.head),
    lag: String(status.lag),
    rebuild: status.rebuild && {
      ...status.rebuild,
      startedAt: new Date(status.rebuild.startedAt),
      finishedAt: status.rebuild.finishedAt ? new Date(status.rebuild.finishedAt) : null,
      position: String(status.rebuild.position),
      targetPosition: String(status.rebuild.targetPosition),
    },
  });
}
