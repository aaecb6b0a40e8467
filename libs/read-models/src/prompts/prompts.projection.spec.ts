import type { RecordedEvent } from '../../../eventstore/src/index.js';
import { History, inputsIn, promptIdOf, runIdOf } from '../../../testing/src/index.js';
import type { ProjectedFields } from '../projections/projection.js';
import type { PromptDoc } from './prompt.doc.js';
import { promptsProjection } from './prompts.projection.js';

/** Folds like the runner: each change is stamped with the event's position. */
function fold(events: readonly RecordedEvent[], from: (PromptDoc & ProjectedFields) | null = null) {
  return events.reduce<(PromptDoc & ProjectedFields) | null>((doc, event) => {
    const next = promptsProjection.evolve(doc, event);
    return next === null ? null : { ...next, _position: event.position, _revision: (doc?._revision ?? 0) + 1 };
  }, from);
}

describe('prompts projection', () => {
  const parentId = promptIdOf(1);
  const childId = promptIdOf(2);
  const enhanceRun = runIdOf(7);

  it('creates the document from PromptCreated, with its author from the event metadata', () => {
    const history = new History();
    const created = history.promptCreated({ id: parentId, name: 'forest_walk', text: 'A forest at dawn', createdAt: '2026-11-28T09:00:00.000Z', actor: 'ana' });

    expect(promptsProjection.evolve(null, created)).toEqual({
      id: parentId,
      name: 'forest_walk',
      text: 'A forest at dawn',
      negativePrompt: 'blurry, low quality',
      modelType: 'transfer',
      inputs: inputsIn('videos/0001'),
      enhanced: false,
      enhancedFrom: null,
      textReplacements: [],
      createdAt: '2026-11-28T09:00:00.000Z',
      createdBy: 'ana',
      updatedAt: '2026-11-28T09:00:00.000Z',
    });
  });

  it('marks a prompt created by an enhancement and dates the link with its creation', () => {
    const history = new History();
    const created = history.promptCreated({
      id: childId,
      text: 'A misty forest at dawn, volumetric light',
      createdAt: '2026-11-28T09:30:00.000Z',
      enhancedFrom: { promptId: parentId, runId: enhanceRun, model: 'pixtral' },
      actor: 'system:worker',
    });

    expect(promptsProjection.evolve(null, created)).toMatchObject({
      enhanced: true,
      enhancedFrom: { promptId: parentId, runId: enhanceRun, model: 'pixtral', at: '2026-11-28T09:30:00.000Z' },
      createdBy: 'system:worker',
    });
  });

  it('keeps every overwritten text, oldest first, and marks the prompt enhanced', () => {
    const history = new History();
    history.promptCreated({ id: parentId, text: 'v1', createdAt: '2026-11-28T09:00:00.000Z' });
    history.promptTextReplaced(parentId, 'v2', runIdOf(1), '2026-11-28T10:00:00.000Z');
    history.promptTextReplaced(parentId, 'v3', runIdOf(2), '2026-11-28T11:00:00.000Z', 'pixtral-large');

    expect(fold(history.events)).toMatchObject({
      text: 'v3',
      enhanced: true,
      enhancedFrom: null,
      updatedAt: '2026-11-28T11:00:00.000Z',
      createdAt: '2026-11-28T09:00:00.000Z',
      textReplacements: [
        { runId: runIdOf(1), model: 'pixtral', at: '2026-11-28T10:00:00.000Z', previousText: 'v1' },
        { runId: runIdOf(2), model: 'pixtral-large', at: '2026-11-28T11:00:00.000Z', previousText: 'v2' },
      ],
    });
  });

  it("ignores a second replacement by the same enhancement run (returns the document itself)", () => {
    const history = new History();
    history.promptCreated({ id: parentId, text: 'v1', createdAt: '2026-11-28T09:00:00.000Z' });
    const replaced = history.promptTextReplaced(parentId, 'v2', runIdOf(1), '2026-11-28T10:00:00.000Z');
    const doc = fold(history.events)!;

    expect(promptsProjection.evolve(doc, { ...replaced, position: 99 })).toBe(doc);
  });

  it('removes the document when the prompt is deleted, and leaves a missing one missing', () => {
    const history = new History();
    history.promptCreated({ id: parentId, text: 'v1', createdAt: '2026-11-28T09:00:00.000Z' });
    const deleted = history.promptDeleted(parentId, '2026-11-28T12:00:00.000Z', [runIdOf(1)]);

    expect(fold(history.events)).toBeNull();
    expect(promptsProjection.evolve(null, deleted)).toBeNull();
    expect(promptsProjection.evolve(null, new History().promptTextReplaced(parentId, 'v2', runIdOf(1), '2026-11-28T10:00:00.000Z'))).toBeNull();
  });

  it('touches only the document named by a prompt stream', () => {
    const created = new History().promptCreated({ id: parentId, text: 'v1', createdAt: '2026-11-28T09:00:00.000Z' });

    expect(promptsProjection.documentIds(created)).toEqual([parentId]);
    expect(promptsProjection.documentIds({ ...created, streamId: `run-${runIdOf(1)}` })).toEqual([]);
    expect(promptsProjection.filter).toEqual({ streamPrefixes: ['prompt-'], eventTypes: ['PromptCreated', 'PromptTextReplaced', 'PromptDeleted'] });
  });
});
