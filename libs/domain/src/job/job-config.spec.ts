import { runConfigOf } from './job-config.js';

describe('runConfigOf', () => {
  it("answers a batch's run config by index, and a single-run job's own config", () => {
    const batch = { runs: [{ seed: 1 }, { seed: 2 }] };
    expect(runConfigOf('batch_inference', batch, 1)).toEqual({ seed: 2 });
    expect(runConfigOf('inference', { seed: 7 }, 0)).toEqual({ seed: 7 });
    expect(runConfigOf('upscale', { controlWeight: 0.5 }, 0)).toEqual({ controlWeight: 0.5 });
  });
});
