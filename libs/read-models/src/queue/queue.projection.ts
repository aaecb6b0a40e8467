import { assertNever, QUEUE_EVENT_TYPES, QUEUE_STREAM, type QueueEvent } from '../../../domain/src/index.js';
import type { RecordedEvent } from '../../../eventstore/src/index.js';
import type { ProjectedFields, Projection } from '../projections/projection.js';

export const QUEUE_DOCUMENT_ID = 'queue';
export const QUEUE_COLLECTION = 'queue';

export interface QueueDoc {
  readonly id: typeof QUEUE_DOCUMENT_ID;
  readonly paused: boolean;
  readonly pausedAt: string | null;
  readonly pausedBy: string | null;
  readonly pauseReason: string | null;
  readonly resumedAt: string | null;
  readonly resumedBy: string | null;
  /** Revision of the `queue` stream; a user command may name it to guard against lost updates. */
  readonly streamRevision: number;
  readonly [field: string]: unknown;
}

/** What the queue looks like before anyone has paused it. */
export const INITIAL_QUEUE: QueueDoc & ProjectedFields = {
  id: QUEUE_DOCUMENT_ID,
  paused: false,
  pausedAt: null,
  pausedBy: null,
  pauseReason: null,
  resumedAt: null,
  resumedBy: null,
  streamRevision: -1,
  _position: 0,
  _revision: 0,
};

export const queueProjection: Projection<QueueDoc> = {
  name: 'queue',
  collection: QUEUE_COLLECTION,
  filter: { streamPrefixes: [QUEUE_STREAM], eventTypes: QUEUE_EVENT_TYPES },
  documentIds: (event) => (event.streamId === QUEUE_STREAM ? [QUEUE_DOCUMENT_ID] : []),

  evolve(doc, recorded: RecordedEvent) {
    const current = doc ?? INITIAL_QUEUE;
    const event = recorded as unknown as QueueEvent;
    switch (event.type) {
      case 'QueuePaused':
        return {
          ...current,
          paused: true,
          pausedAt: event.data.pausedAt,
          pausedBy: event.data.pausedBy,
          pauseReason: event.data.reason,
          streamRevision: recorded.revision,
        };
      case 'QueueResumed':
        return { ...current, paused: false, resumedAt: event.data.resumedAt, resumedBy: event.data.resumedBy, streamRevision: recorded.revision };
      default:
        return assertNever(event);
    }
  },
};
