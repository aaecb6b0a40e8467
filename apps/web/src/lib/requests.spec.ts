import { DEFAULT_INFERENCE, inferenceInput, runFilterFrom } from './requests';

describe('inferenceInput', () => {
  it('leaves blank fields to the service defaults', () => {
    expect(inferenceInput(['ps_1'], DEFAULT_INFERENCE, false)).toEqual({
      promptIds: ['ps_1'],
      weights: { vis: 0.25, edge: 0.25, depth: 0.25, seg: 0.25 },
      dryRun: false,
    });
  });

  it('sends typed numbers as numbers and trims the negative prompt', () => {
    const input = inferenceInput(['ps_1', 'ps_2'], { ...DEFAULT_INFERENCE, numSteps: '35', guidance: ' 7.5 ', seed: '0', priority: '-2', numGpus: '4', blurStrength: 'high', negativePrompt: '  blurry  ' }, true);
    expect(input).toMatchObject({ promptIds: ['ps_1', 'ps_2'], numSteps: 35, guidance: 7.5, seed: 0, priority: -2, numGpus: 4, blurStrength: 'high', negativePrompt: 'blurry', dryRun: true });
    expect(input).not.toHaveProperty('cannyThreshold');
    expect(input).not.toHaveProperty('sigmaMax');
  });

  it('does not share the weights object with the form state', () => {
    const settings = { ...DEFAULT_INFERENCE, weights: { ...DEFAULT_INFERENCE.weights } };
    const input = inferenceInput(['ps_1'], settings, false);
    settings.weights.depth = 0.9;
    expect(input.weights?.depth).toBe(0.25);
  });
});

describe('runFilterFrom', () => {
  const none = { status: '', kind: '', rating: '', within: '', upscaled: '', search: '' };

  it('is empty when nothing is chosen (the list is unfiltered)', () => {
    expect(runFilterFrom(none)).toEqual({});
  });

  it('turns each URL parameter into the service filter', () => {
    expect(runFilterFrom({ status: 'failed', kind: 'upscale', rating: '4', within: 'last_7_days', upscaled: 'false', search: 'harbour' })).toEqual({
      statuses: ['failed'],
      kinds: ['upscale'],
      rating: { atLeast: 4 },
      createdWithin: 'last_7_days',
      upscaled: false,
      text: 'harbour',
    });
  });

  it('distinguishes unrated, exactly five stars and any rating', () => {
    expect(runFilterFrom({ ...none, rating: 'unrated' }).rating).toEqual({ unrated: true });
    expect(runFilterFrom({ ...none, rating: '5' }).rating).toEqual({ exactly: 5 });
    expect(runFilterFrom({ ...none, rating: '1' }).rating).toEqual({ atLeast: 1 });
  });
});
