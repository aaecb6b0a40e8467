import { deciderSpec } from '../../../testing/src/index.js';
import { fold } from '../shared/decider.js';
import { type DomainError, type FieldProblem, InvalidInput } from '../shared/domain-error.js';
import type { CreatePrompt, DeletePrompt, PromptCommand, ReplacePromptText } from './prompt.commands.js';
import { promptDecider } from './prompt.decider.js';
import { PromptAlreadyExists, PromptHasActiveRuns, PromptNotFound } from './prompt.errors.js';
import type { PromptCreated, PromptDeleted, PromptEvent, PromptTextReplaced, VideoFacts } from './prompt.events.js';

const spec = deciderSpec(promptDecider);
const promptId = 'ps_0123456789abcdef0123456789abcdef';
const t1 = '2026-11-28T10:00:00.000Z';
const t2 = '2026-11-28T11:00:00.000Z';

const video = (name: string, overrides: Partial<VideoFacts> = {}): VideoFacts => ({
  path: `city_night/${name}.mp4`,
  frames: 121,
  fps: 24,
  width: 1280,
  height: 704,
  durationSeconds: 121 / 24,
  codec: 'h264',
  sizeBytes: 4_200_000,
  ...overrides,
});
const inputs = { videoDir: 'city_night', color: video('color'), depth: video('depth'), segmentation: null };

const create = (overrides: Partial<CreatePrompt> = {}): CreatePrompt => ({
  type: 'CreatePrompt',
  promptId,
  text: 'A futuristic cyberpunk city at night',
  name: null,
  negativePrompt: null,
  modelType: null,
  inputs,
  defaultNegativePrompt: 'low quality, blurry, distorted',
  now: t1,
  actor: 'ana',
  ...overrides,
});
const created: PromptCreated = {
  type: 'PromptCreated',
  data: {
    promptId,
    name: 'futuristic_cyberpunk_city',
    text: 'A futuristic cyberpunk city at night',
    negativePrompt: 'low quality, blurry, distorted',
    modelType: 'transfer',
    inputs,
    enhancedFrom: null,
    createdAt: t1,
  },
};
const withData = (data: Partial<PromptCreated['data']>): PromptCreated => ({ type: 'PromptCreated', data: { ...created.data, ...data } });

const replace = (overrides: Partial<ReplacePromptText> = {}): ReplacePromptText => ({
  type: 'ReplacePromptText',
  promptId,
  text: 'A neon-lit cyberpunk city at night, rain on the streets',
  runId: 'rs_enh1',
  model: 'pixtral',
  now: t2,
  ...overrides,
});
const replaced: PromptTextReplaced = {
  type: 'PromptTextReplaced',
  data: { text: 'A neon-lit cyberpunk city at night, rain on the streets', runId: 'rs_enh1', model: 'pixtral', replacedAt: t2 },
};

const remove = (overrides: Partial<DeletePrompt> = {}): DeletePrompt => ({
  type: 'DeletePrompt',
  promptId,
  deleteOutputs: true,
  runIds: ['rs_a', 'rs_b'],
  activeRunIds: [],
  now: t2,
  actor: 'ben',
  ...overrides,
});
const deleted: PromptDeleted = { type: 'PromptDeleted', data: { deletedAt: t2, deletedBy: 'ben', deleteOutputs: true, runIds: ['rs_a', 'rs_b'] } };

/** The error a command meets, for rules whose details matter as much as their type. */
function errorOf(given: readonly PromptEvent[], command: PromptCommand): DomainError {
  try {
    promptDecider.decide(command, fold(promptDecider, given));
  } catch (error) {
    return error as DomainError;
  }
  throw new Error(`${command.type} did not throw`);
}
const fieldsOf = (command: PromptCommand): FieldProblem[] => {
  const error = errorOf([], command);
  expect(error).toBeInstanceOf(InvalidInput);
  return (error as InvalidInput).details.fields;
};

describe('prompt decider', () => {
  describe('CreatePrompt', () => {
    it('creates a transfer prompt named from its text, with the default negative prompt', () => {
      spec.given([]).when(create()).then([created]);
    });

    it('keeps a given name, negative prompt, model type and enhancement lineage', () => {
      const enhancedFrom = { promptId: 'ps_parent', runId: 'rs_enh1', model: 'pixtral' };
      spec
        .given([])
        .when(create({ name: '  night_city_v2 ', negativePrompt: 'cartoon', modelType: 'predict', enhancedFrom }))
        .then([withData({ name: 'night_city_v2', negativePrompt: 'cartoon', modelType: 'predict', enhancedFrom })]);
    });

    it('sanitises the text: control characters go, tabs and newlines stay, CRLF becomes LF, ends are trimmed', () => {
      spec
        .given([])
        .when(create({ text: '  \u0000A serene\u0007 lake\r\nat\tsunset\u007f\u0085 \n' }))
        .then([withData({ text: 'A serene lake\nat\tsunset', name: 'serene_lake_sunset' })]);
    });

    it('names the prompt from the sanitised text', () => {
      spec
        .given([])
        .when(create({ text: 'hello\u0000world and\u0001more' }))
        .then([withData({ text: 'helloworld andmore', name: 'helloworld_andmore' })]);
    });

    it('falls back to the default negative prompt when the given one is blank after sanitising', () => {
      spec.given([]).when(create({ negativePrompt: ' \u0000 ' })).then([created]);
    });

    it('sanitises a given negative prompt the same way', () => {
      spec.given([]).when(create({ negativePrompt: ' blurry\u0000, dark\r\n' })).then([withData({ negativePrompt: 'blurry, dark' })]);
    });

    it('accepts text of exactly 10,000 characters, counted in code points', () => {
      const text = '🌃'.repeat(10_000); // 20,000 UTF-16 units, 10,000 characters
      spec.given([]).when(create({ text })).then([withData({ text, name: 'sequence' })]);
    });

    it('refuses text longer than 10,000 characters, counting the raw text before sanitising', () => {
      const text = 'a'.repeat(9_999) + '\u0000\u0000';
      expect(fieldsOf(create({ text }))).toEqual([
        { field: 'input.text', problem: 'must be at most 10,000 characters (got 10,001)' },
      ]);
    });

    it.each(['', '   ', '\u0000\u0001\n\t'])('refuses text that is empty after sanitising (%j)', (text) => {
      spec.given([]).when(create({ text })).thenThrows(InvalidInput, /input\.text: is required/);
    });

    it.each(['', '   ', 'two words', 'name/with/slash', 'x'.repeat(101)])('refuses an invalid given name (%j)', (name) => {
      spec.given([]).when(create({ name })).thenThrows(InvalidInput, /input\.name: must be 1 to 100 characters/);
    });

    it('refuses a negative prompt longer than 10,000 characters', () => {
      spec
        .given([])
        .when(create({ negativePrompt: 'n'.repeat(10_001) }))
        .thenThrows(InvalidInput, /input\.negativePrompt: must be at most 10,000 characters/);
    });

    it('refuses an unknown model type and lists the allowed ones', () => {
      spec
        .given([])
        .when(create({ modelType: 'Transfer' }))
        .thenThrows(InvalidInput, 'input.modelType: must be one of transfer, enhance, upscale, reason, predict (got "Transfer")');
    });

    it('refuses a control video whose frame count differs from the colour video', () => {
      const command = create({ inputs: { ...inputs, depth: video('depth', { frames: 120 }) } });
      expect(fieldsOf(command)).toEqual([
        {
          field: 'input.videoDir',
          problem:
            'the depth video city_night/depth.mp4 has 120 frames but the colour video city_night/color.mp4 has 121; control videos must match it frame for frame',
        },
      ]);
    });

    it('refuses a control video whose aspect ratio is more than 1% off the colour video', () => {
      const command = create({ inputs: { ...inputs, depth: null, segmentation: video('segmentation', { width: 1280, height: 720 }) } });
      spec.given([]).when(command).thenThrows(InvalidInput, /segmentation video .* is 1280x720 .* aspect ratios must agree within 1%/);
    });

    it('accepts control videos of another size with an aspect ratio within 1%', () => {
      const depth = video('depth', { width: 640, height: 354 }); // 1.808 vs 1.818: 0.6% off
      const segmentation = video('segmentation', { width: 2560, height: 1408 });
      const command = create({ inputs: { ...inputs, depth, segmentation } });
      spec.given([]).when(command).then([withData({ inputs: { ...inputs, depth, segmentation } })]);
    });

    it('refuses video paths that are not relative posix paths, and videos without frames or size', () => {
      const command = create({
        inputs: {
          videoDir: ' ',
          color: video('color', { path: '/abs/color.mp4', frames: 0 }),
          depth: video('depth', { path: '../depth.mp4', width: 0 }),
          segmentation: null,
        },
      });
      expect(fieldsOf(command).map((f) => `${f.field}: ${f.problem}`)).toEqual([
        'input.videoDir: the input folder is required',
        'input.videoDir: the colour video path "/abs/color.mp4" must be relative to the inputs root, with \'/\' separators and no \'..\'',
        'input.videoDir: the colour video /abs/color.mp4 has no frames',
        'input.videoDir: the depth video path "../depth.mp4" must be relative to the inputs root, with \'/\' separators and no \'..\'',
        'input.videoDir: the depth video ../depth.mp4 has no picture size (0x704)',
      ]);
    });

    it('reports every field problem at once', () => {
      const command = create({
        text: ' ',
        name: 'bad name',
        negativePrompt: 'n'.repeat(10_001),
        modelType: 'video2world',
        inputs: { ...inputs, depth: video('depth', { frames: 1 }) },
      });
      expect(fieldsOf(command).map((f) => f.field)).toEqual(['input.text', 'input.name', 'input.negativePrompt', 'input.modelType', 'input.videoDir']);
    });

    it('refuses to create a prompt that already exists', () => {
      spec.given([created]).when(create()).thenThrows(PromptAlreadyExists, `Prompt ${promptId} already exists`);
    });

    it('refuses to reuse the id of a deleted prompt', () => {
      spec.given([created, deleted]).when(create()).thenThrows(PromptAlreadyExists, /never reused/);
    });
  });

  describe('ReplacePromptText', () => {
    it('overwrites the text with an enhancement run result', () => {
      spec.given([created]).when(replace()).then([replaced]);
    });

    it('sanitises the replacement text', () => {
      spec
        .given([created])
        .when(replace({ text: '\u0000 A neon-lit cyberpunk city at night, rain on the streets\r\n' }))
        .then([replaced]);
    });

    it('ignores a replacement already made by the same run, so a retried saga step is harmless', () => {
      spec.given([created, replaced]).when(replace({ text: 'something else' })).then([]);
    });

    it('accepts a later replacement by another enhancement run', () => {
      spec
        .given([created, replaced])
        .when(replace({ runId: 'rs_enh2', text: 'Rainy night' }))
        .then([{ type: 'PromptTextReplaced', data: { text: 'Rainy night', runId: 'rs_enh2', model: 'pixtral', replacedAt: t2 } }]);
    });

    it('refuses an empty or too long replacement text', () => {
      spec.given([created]).when(replace({ text: ' \u0000 ' })).thenThrows(InvalidInput, /input\.text: is required/);
      spec.given([created]).when(replace({ text: 'x'.repeat(10_001) })).thenThrows(InvalidInput, /input\.text: must be at most/);
    });

    it('refuses a missing prompt', () => {
      spec.given([]).when(replace()).thenThrows(PromptNotFound, `Prompt ${promptId} not found`);
    });

    it('refuses a deleted prompt, saying it was deleted', () => {
      spec.given([created, deleted]).when(replace()).thenThrows(PromptNotFound, `Prompt ${promptId} not found: it was deleted at ${t2}`);
    });
  });

  describe('DeletePrompt', () => {
    it('deletes the prompt with its runs, recording who and whether outputs go too', () => {
      spec.given([created]).when(remove()).then([deleted]);
    });

    it('deletes a prompt without runs, keeping outputs', () => {
      spec
        .given([created, replaced])
        .when(remove({ runIds: [], deleteOutputs: false }))
        .then([{ type: 'PromptDeleted', data: { deletedAt: t2, deletedBy: 'ben', deleteOutputs: false, runIds: [] } }]);
    });

    it('refuses while runs are active, naming them', () => {
      const error = errorOf([created], remove({ activeRunIds: ['rs_b'] }));
      expect(error).toBeInstanceOf(PromptHasActiveRuns);
      expect(error.code).toBe('PROMPT_HAS_ACTIVE_RUNS');
      expect(error.message).toMatch(/1 active run\(s\) \(rs_b\)/);
      expect(error.details).toEqual({ promptId, activeRunIds: ['rs_b'] });
    });

    it('refuses a missing or already deleted prompt as not found', () => {
      spec.given([]).when(remove()).thenThrows(PromptNotFound, /not found$/);
      spec.given([created, deleted]).when(remove()).thenThrows(PromptNotFound, /deleted at/);
      expect(errorOf([created, deleted], remove()).code).toBe('NOT_FOUND');
    });
  });

  describe('evolve', () => {
    it('starts as not created', () => {
      spec.given([]).thenState({ status: 'NotCreated' });
    });

    it('folds creation, replacements and deletion', () => {
      const active = { status: 'Active', name: 'futuristic_cyberpunk_city', modelType: 'transfer', createdAt: t1 } as const;
      spec.given([created]).thenState({ ...active, replacedByRunIds: [] });
      spec.given([created, replaced]).thenState({ ...active, replacedByRunIds: ['rs_enh1'] });
      spec.given([created, replaced, deleted]).thenState({ status: 'Deleted', deletedAt: t2 });
    });
  });
});
