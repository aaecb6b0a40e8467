import { assertNever } from '../shared/assert-never.js';
import type { Decider } from '../shared/decider.js';
import { DomainError } from '../shared/domain-error.js';
import type { QueueCommand } from './queue.commands.js';
import type { QueueEvent } from './queue.events.js';

export type QueueState =
  | { readonly status: 'Running' }
  | { readonly status: 'Paused'; readonly pausedAt: string; readonly pausedBy: string; readonly reason: string | null };

export class QueueAlreadyPaused extends DomainError<{ pausedAt: string; pausedBy: string }> {
  constructor(pausedAt: string, pausedBy: string) {
    super('QUEUE_ALREADY_PAUSED', `The queue is already paused (by ${pausedBy} at ${pausedAt})`, { pausedAt, pausedBy });
  }
}

export class QueueNotPaused extends DomainError {
  constructor() {
    super('QUEUE_NOT_PAUSED', 'The queue is not paused');
  }
}

export const queueDecider: Decider<QueueCommand, QueueEvent, QueueState> = {
  name: 'queue',
  initialState: { status: 'Running' },

  decide(command, state) {
    switch (command.type) {
      case 'PauseQueue':
        if (state.status === 'Paused') throw new QueueAlreadyPaused(state.pausedAt, state.pausedBy);
        return [{ type: 'QueuePaused', data: { pausedBy: command.actor, reason: command.reason, pausedAt: command.now } }];
      case 'ResumeQueue':
        if (state.status === 'Running') throw new QueueNotPaused();
        return [{ type: 'QueueResumed', data: { resumedBy: command.actor, reason: command.reason, resumedAt: command.now } }];
      default:
        return assertNever(command);
    }
  },

  evolve(_state, event) {
    switch (event.type) {
      case 'QueuePaused':
        return { status: 'Paused', pausedAt: event.data.pausedAt, pausedBy: event.data.pausedBy, reason: event.data.reason };
      case 'QueueResumed':
        return { status: 'Running' };
      default:
        return assertNever(event);
    }
  },
};
