import type { DocumentStore } from '../document-store.port.js';
import { INITIAL_QUEUE, QUEUE_DOCUMENT_ID, queueProjection, type QueueDoc } from './queue.projection.js';

/** The queue's one document, or the never-paused queue before any queue event. */
export async function queueState(documents: DocumentStore): Promise<QueueDoc> {
  return (await documents.get<QueueDoc>(queueProjection.collection, QUEUE_DOCUMENT_ID)) ?? INITIAL_QUEUE;
}
