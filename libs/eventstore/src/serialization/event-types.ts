import { BATCH_PLAN_EVENT_TYPES } from '../../../domain/src/batching/batch-plan.events.js';
import { IDEMPOTENCY_EVENT_TYPES } from '../../../domain/src/job/idempotency.js';
import { JOB_EVENT_TYPES } from '../../../domain/src/job/job.events.js';
import { PROMPT_EVENT_TYPES } from '../../../domain/src/prompt/prompt.events.js';
import { QUEUE_EVENT_TYPES } from '../../../domain/src/queue/queue.events.js';
import { RUN_EVENT_TYPES } from '../../../domain/src/run/run.events.js';
import type { EventTypeDefinition } from './event-type.registry.js';

/**
 * Every event type this service writes, at its current schema version. Adding an aggregate adds
 * its list here; changing a payload shape bumps the version and adds an upcaster beside it.
 */
export const EVENT_TYPES: readonly EventTypeDefinition[] = [
  ...[...QUEUE_EVENT_TYPES, ...PROMPT_EVENT_TYPES, ...RUN_EVENT_TYPES, ...JOB_EVENT_TYPES, ...IDEMPOTENCY_EVENT_TYPES, ...BATCH_PLAN_EVENT_TYPES].map((type) => ({
    type,
    schemaVersion: 1,
  })),
];
