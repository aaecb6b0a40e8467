import { deciderSpec } from '../../../testing/src/index.js';
import type { QueuePaused, QueueResumed } from './queue.events.js';
import { QueueAlreadyPaused, QueueNotPaused, queueDecider } from './queue.decider.js';

const spec = deciderSpec(queueDecider);
const t1 = '2026-11-28T10:00:00.000Z';
const t2 = '2026-11-28T11:00:00.000Z';
const paused: QueuePaused = { type: 'QueuePaused', data: { pausedBy: 'ana', reason: 'driver update', pausedAt: t1 } };
const resumed: QueueResumed = { type: 'QueueResumed', data: { resumedBy: 'ben', reason: null, resumedAt: t2 } };

describe('queue decider', () => {
  it('pauses a running queue, recording who and why', () => {
    spec.given([]).when({ type: 'PauseQueue', actor: 'ana', reason: 'driver update', now: t1 }).then([paused]);
  });

  it('refuses to pause a paused queue and says who paused it', () => {
    spec.given([paused]).when({ type: 'PauseQueue', actor: 'ben', reason: null, now: t2 }).thenThrows(QueueAlreadyPaused, /by ana/);
  });

  it('resumes a paused queue', () => {
    spec.given([paused]).when({ type: 'ResumeQueue', actor: 'ben', reason: null, now: t2 }).then([resumed]);
  });

  it('refuses to resume a queue that is not paused', () => {
    spec.given([paused, resumed]).when({ type: 'ResumeQueue', actor: 'ben', reason: null, now: t2 }).thenThrows(QueueNotPaused);
  });

  it('folds pause and resume back to running', () => {
    spec.given([paused]).thenState({ status: 'Paused', pausedAt: t1, pausedBy: 'ana', reason: 'driver update' });
    spec.given([paused, resumed]).thenState({ status: 'Running' });
  });
});
