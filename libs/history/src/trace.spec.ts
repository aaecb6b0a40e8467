import type { HistoryEvent } from './history-event.js';
import { causationTree } from './trace.js';

let position = 0;
function event(id: string, causationId: string): HistoryEvent {
  position++;
  return {
    id,
    type: 'JobStageChanged',
    streamId: 'job-1',
    revision: position,
    position,
    occurredAt: '2026-01-01T00:00:00.000Z',
    recordedAt: '2026-01-01T00:00:00.000Z',
    schemaVersion: 1,
    storedSchemaVersion: 1,
    data: {},
    correlationId: 'c',
    causationId,
    actor: 'ana',
    actorRole: 'operator',
  };
}

const shape = (events: HistoryEvent[]) => causationTree(events).map((node) => `${'  '.repeat(node.depth)}${node.event.id}<${node.parentEventId ?? '-'}`);

describe('causationTree', () => {
  it('nests each event under the one that caused it, depth-first, siblings in log order', () => {
    const events = [event('queued', 'cmd'), event('run-a', 'queued'), event('run-b', 'queued'), event('claim', 'queued'), event('stage', 'claim'), event('a-done', 'run-a')];
    expect(shape(events)).toEqual(['queued<-', '  run-a<queued', '    a-done<run-a', '  run-b<queued', '  claim<queued', '    stage<claim']);
  });

  it('makes every event a command caused directly a root', () => {
    expect(shape([event('paused', 'cmd-1'), event('resumed', 'cmd-2')])).toEqual(['paused<-', 'resumed<-']);
  });

  it('still shows every event of a causation cycle (possible only in a hand-made import), once', () => {
    const nodes = causationTree([event('x', 'y'), event('y', 'x'), event('z', 'z')]);
    expect(nodes.map((node) => node.event.id).sort()).toEqual(['x', 'y', 'z']);
  });
});
