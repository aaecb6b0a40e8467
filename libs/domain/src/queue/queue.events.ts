import type { DomainEvent } from '../shared/domain-event.js';

/** The queue is one stream: whether GPU nodes may claim new jobs, and who said so and why. */
export const QUEUE_STREAM = 'queue';

export type QueuePaused = DomainEvent<'QueuePaused', { pausedBy: string; reason: string | null; pausedAt: string }>;
export type QueueResumed = DomainEvent<'QueueResumed', { resumedBy: string; reason: string | null; resumedAt: string }>;

export type QueueEvent = QueuePaused | QueueResumed;

export const QUEUE_EVENT_TYPES: readonly QueueEvent['type'][] = ['QueuePaused', 'QueueResumed'];
