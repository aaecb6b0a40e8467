import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { COSMOS_CONFIG, type CosmosConfig } from '../../../../libs/config/src/index.js';
import { type Decider, type DomainEvent, ids } from '../../../../libs/domain/src/index.js';
import { CLOCK, type Clock } from '../../../../libs/eventstore/src/index.js';
import { DecideCommand } from '../../../../libs/eventstore/src/nest/index.js';
import { ReadModelConsistency } from '../../../../libs/read-models/src/index.js';
import type { CommandAccepted } from './command-accepted.model.js';
import type { RequestContext } from './request-context.js';

export interface IssueOptions {
  readonly streamId: string;
  readonly expectedRevision?: number | null;
  /** Projections a follow-up query will read; the answer waits (bounded) until they show the change. */
  readonly readModels: readonly string[];
  /**
   * A command id derived from the request (e.g. `${jobId}:queue`) for steps of a multi-stream
   * flow: repeating the flow after a crash then finds the step already handled and appends nothing.
   */
  readonly commandId?: string;
  /** The event that caused this command (a job's JobQueued for its runs); absent: the request did. */
  readonly causationId?: string;
}

export interface Issued<E extends DomainEvent> {
  readonly accepted: CommandAccepted;
  /** The events decided now, or those a repeated command id decided the first time. */
  readonly events: readonly E[];
  readonly eventIds: readonly string[];
}

/**
 * How a mutation becomes a command: a fresh command id, the clock's time and the caller's name,
 * sent through the CommandBus to the generic handler, then a bounded wait for read-your-writes.
 */
@Injectable()
export class CommandIssuer {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly consistency: ReadModelConsistency,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(COSMOS_CONFIG) private readonly config: CosmosConfig,
  ) {}

  now(): string {
    return this.clock.now().toISOString();
  }

  async issue<C, E extends DomainEvent, S>(
    decider: Decider<C, E, S>,
    command: C,
    request: RequestContext,
    options: IssueOptions,
  ): Promise<CommandAccepted> {
    return (await this.issueForEvents(decider, command, request, options)).accepted;
  }

  async issueForEvents<C, E extends DomainEvent, S>(
    decider: Decider<C, E, S>,
    command: C,
    request: RequestContext,
    options: IssueOptions,
  ): Promise<Issued<E>> {
    const result = await this.commandBus.execute(
      new DecideCommand(decider, options.streamId, command, {
        commandId: options.commandId ?? ids.command(),
        correlationId: request.correlationId,
        causationId: options.causationId,
        actor: request.actor,
        actorRole: request.principal.role,
        now: this.now(),
        expectedRevision: options.expectedRevision ?? undefined,
      }),
    );
    const timeout = this.config.projections.consistencyTimeoutMs;
    const consistent =
      result.position === null ||
      (await Promise.all(options.readModels.map((name) => this.consistency.waitFor(name, result.position!, timeout)))).every(Boolean);
    const accepted = {
      streamId: result.streamId,
      revision: result.revision,
      position: result.position === null ? null : String(result.position),
      consistent,
    };
    return { accepted, events: result.events, eventIds: result.eventIds };
  }
}
