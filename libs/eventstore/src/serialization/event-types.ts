import { BATCH_PLAN_EVENT_TYPES, GPU_NODE_EVENT_TYPES, IDEMPOTENCY_EVENT_TYPES, JOB_EVENT_TYPES, JOB_QUEUED_SCHEMA_VERSION, jobQueuedFromV1, jobQueuedFromV2, PROMPT_EVENT_TYPES, QUEUE_EVENT_TYPES, RUN_EVENT_TYPES, RUN_STATUS_CHANGED_SCHEMA_VERSION, runStatusChangedFromV1 } from '../../../domain/src/index.js';
import type { EventTypeDefinition } from './event-type.registry.js';

/** Types whose payload changed shape: their current version and the upcasters that lift older ones. */
const REVISED: readonly EventTypeDefinition[] = [
  { type: 'RunStatusChanged', schemaVersion: RUN_STATUS_CHANGED_SCHEMA_VERSION, upcasters: { 1: runStatusChangedFromV1 } },
  { type: 'JobQueued', schemaVersion: JOB_QUEUED_SCHEMA_VERSION, upcasters: { 1: jobQueuedFromV1, 2: jobQueuedFromV2 } },
];

/**
 * Every event type this service writes, at its current schema version. Adding an aggregate adds
 * its list here; changing a payload shape bumps the version and adds an upcaster to REVISED.
 */
export const EVENT_TYPES: readonly EventTypeDefinition[] = [
  ...QUEUE_EVENT_TYPES,
  ...PROMPT_EVENT_TYPES,
  ...RUN_EVENT_TYPES,
  ...JOB_EVENT_TYPES,
  ...IDEMPOTENCY_EVENT_TYPES,
  ...BATCH_PLAN_EVENT_TYPES,
  ...GPU_NODE_EVENT_TYPES,
].map((type) => REVISED.find((revised) => revised.type === type) ?? { type, schemaVersion: 1 });
