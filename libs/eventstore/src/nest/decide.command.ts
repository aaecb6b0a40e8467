import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Decider, DomainEvent } from '../../../domain/src/index.js';
import { EventSourcedCommandHandler, type CommandContext, type CommandResult } from '../commands/event-sourced.command-handler.js';

/**
 * The single command type on the @nestjs/cqrs CommandBus: it carries the aggregate's decider, so
 * one generic handler serves every aggregate, and adding one adds no handler class.
 */
export class DecideCommand<C = unknown, E extends DomainEvent = DomainEvent, S = unknown> extends Command<CommandResult<E>> {
  constructor(
    readonly decider: Decider<C, E, S>,
    readonly streamId: string,
    readonly command: C,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(DecideCommand)
export class DecideCommandHandler implements ICommandHandler<DecideCommand> {
  constructor(private readonly handler: EventSourcedCommandHandler) {}

  execute(command: DecideCommand): Promise<CommandResult> {
    return this.handler.handle(command.decider, command.streamId, command.command, command.context);
  }
}
