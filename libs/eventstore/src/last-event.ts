import { StreamNotFound } from './event-store.errors.js';
import type { EventStore, RecordedEvent } from './event-store.port.js';

/** The newest event of a stream (its revision says where it is), or null when it has none. */
export async function lastEvent(events: EventStore, streamId: string): Promise<RecordedEvent | null> {
  try {
    const [last] = await events.readStream(streamId, { direction: 'backwards', maxCount: 1 });
    return last ?? null;
  } catch (error) {
    if (error instanceof StreamNotFound) return null;
    throw error;
  }
}
