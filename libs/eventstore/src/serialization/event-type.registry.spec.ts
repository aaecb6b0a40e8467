import type { RecordedEvent } from '../event-store.port.js';
import { EventTypeRegistry, UnknownEventType } from './event-type.registry.js';

const stored = (type: string, schemaVersion: number, data: object): RecordedEvent => ({
  id: '00000000-0000-5000-8000-000000000000',
  streamId: 's',
  revision: 0,
  position: 1,
  type,
  data,
  recordedAt: '2026-11-28T10:00:00.000Z',
  metadata: { occurredAt: '2026-11-28T10:00:00.000Z', correlationId: 'c', causationId: 'c', schemaVersion, actor: 'ana' },
});

describe('event type registry', () => {
  // v1 stored `by`; v2 renamed it to `pausedBy`; v3 added a nullable reason.
  const registry = new EventTypeRegistry([
    {
      type: 'Paused',
      schemaVersion: 3,
      upcasters: {
        1: ({ by, ...rest }) => ({ ...rest, pausedBy: by }),
        2: (data) => ({ ...data, reason: null }),
      },
    },
  ]);

  it('lifts an old payload through every upcaster at the read boundary', () => {
    const lifted = registry.upcast(stored('Paused', 1, { by: 'ana' }));
    expect(lifted.data).toEqual({ pausedBy: 'ana', reason: null });
    expect(lifted.metadata.schemaVersion).toBe(3);
  });

  it('leaves a current payload and unknown types untouched', () => {
    const current = stored('Paused', 3, { pausedBy: 'ana', reason: 'x' });
    expect(registry.upcast(current)).toBe(current);
    const foreign = stored('SomethingElse', 1, { a: 1 });
    expect(registry.upcast(foreign)).toBe(foreign);
  });

  it('refuses a definition whose upcaster chain has a hole', () => {
    expect(() => new EventTypeRegistry([{ type: 'X', schemaVersion: 2 }])).toThrow(/lacks an upcaster from v1/);
  });

  it('knows the version to write and refuses unregistered types', () => {
    expect(registry.schemaVersionOf('Paused')).toBe(3);
    expect(() => registry.schemaVersionOf('Nope')).toThrow(UnknownEventType);
  });
});
