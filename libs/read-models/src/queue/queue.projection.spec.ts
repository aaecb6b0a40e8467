import type { RecordedEvent } from '../../../eventstore/src/index.js';
import { INITIAL_QUEUE, queueProjection } from './queue.projection.js';

const recorded = (type: string, data: object, revision: number, position: number): RecordedEvent => ({
  id: `e${position}`,
  streamId: 'queue',
  revision,
  position,
  type,
  data,
  recordedAt: '2026-11-28T10:00:00.000Z',
  metadata: { occurredAt: '2026-11-28T10:00:00.000Z', correlationId: 'c', causationId: 'c', schemaVersion: 1, actor: 'ana' },
});

describe('queue projection', () => {
  const paused = recorded('QueuePaused', { pausedBy: 'ana', reason: 'maintenance', pausedAt: '2026-11-28T10:00:00.000Z' }, 0, 7);
  const resumed = recorded('QueueResumed', { resumedBy: 'ben', reason: null, resumedAt: '2026-11-28T11:00:00.000Z' }, 1, 9);

  it('records who paused the queue, when and why', () => {
    expect(queueProjection.evolve(null, paused)).toMatchObject({
      paused: true,
      pausedBy: 'ana',
      pausedAt: '2026-11-28T10:00:00.000Z',
      pauseReason: 'maintenance',
      streamRevision: 0,
    });
  });

  it('keeps the last pause on record after resuming', () => {
    const afterPause = { ...queueProjection.evolve(null, paused)!, _position: 7, _revision: 1 };
    expect(queueProjection.evolve(afterPause, resumed)).toMatchObject({ paused: false, pausedBy: 'ana', resumedBy: 'ben', streamRevision: 1 });
  });

  it('touches only the queue document and only for the queue stream', () => {
    expect(queueProjection.documentIds(paused)).toEqual(['queue']);
    expect(queueProjection.documentIds({ ...paused, streamId: 'prompt-ps_1' })).toEqual([]);
    expect(INITIAL_QUEUE.paused).toBe(false);
  });
});
