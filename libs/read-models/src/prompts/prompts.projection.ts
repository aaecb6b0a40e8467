import { assertNever, PROMPT_EVENT_TYPES, type PromptEvent, promptStream } from '../../../domain/src/index.js';
import type { RecordedEvent } from '../../../eventstore/src/index.js';
import type { Projection } from '../projections/projection.js';
import type { PromptDoc } from './prompt.doc.js';

const PROMPT_STREAM_PREFIX = promptStream('');

export const promptsProjection: Projection<PromptDoc> = {
  name: 'prompts',
  collection: 'prompts',
  filter: { streamPrefixes: [PROMPT_STREAM_PREFIX], eventTypes: PROMPT_EVENT_TYPES },
  // Only MongoDB uses these; the embedded store scans its in-memory copy. They serve the catalog's
  // keyset sorts and the lineage walk.
  indexes: [{ keys: { createdAt: -1, id: -1 } }, { keys: { name: 1, id: 1 } }, { keys: { 'enhancedFrom.promptId': 1 } }],
  documentIds: (event) => (event.streamId.startsWith(PROMPT_STREAM_PREFIX) ? [event.streamId.slice(PROMPT_STREAM_PREFIX.length)] : []),

  evolve(doc, recorded: RecordedEvent) {
    const event = recorded as unknown as PromptEvent;
    switch (event.type) {
      case 'PromptCreated': {
        const { promptId, name, text, negativePrompt, modelType, inputs, enhancedFrom, createdAt } = event.data;
        return {
          id: promptId,
          name,
          text,
          negativePrompt,
          modelType,
          inputs,
          enhanced: enhancedFrom !== null,
          enhancedFrom: enhancedFrom && { promptId: enhancedFrom.promptId, runId: enhancedFrom.runId, model: enhancedFrom.model, at: createdAt },
          textReplacements: [],
          createdAt,
          createdBy: recorded.metadata.actor,
          updatedAt: createdAt,
        };
      }
      case 'PromptTextReplaced': {
        const { text, runId, model, replacedAt } = event.data;
        // The decider writes each enhancement run's text once; this keeps a replayed copy out too.
        if (doc === null || doc.textReplacements.some((replacement) => replacement.runId === runId)) return doc;
        return {
          ...doc,
          text,
          enhanced: true,
          textReplacements: [...doc.textReplacements, { runId, model, at: replacedAt, previousText: doc.text }],
          updatedAt: replacedAt,
        };
      }
      case 'PromptDeleted':
        return null;
      default:
        return assertNever(event);
    }
  },
};
