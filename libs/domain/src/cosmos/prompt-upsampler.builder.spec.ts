import type { PromptInputs, VideoFacts } from '../prompt/prompt.events.js';
import { InvalidInput } from '../shared/domain-error.js';
import { buildUpsamplerBatch, parseUpsamplerResult } from './prompt-upsampler.builder.js';

const runId = 'rs_0123456789abcdef0123456789abcdef';
const video = (path: string): VideoFacts => ({
  path,
  frames: 121,
  fps: 24,
  width: 1280,
  height: 704,
  durationSeconds: 121 / 24,
  codec: 'h264',
  sizeBytes: 4_200_000,
});
const inputs: PromptInputs = { videoDir: 'city_night', color: video('city_night/color.mp4'), depth: video('city_night/depth.mp4'), segmentation: null };

describe('buildUpsamplerBatch', () => {
  it('builds the batch file with the uploaded video path, the upload and the argv', () => {
    const launch = buildUpsamplerBatch({ runId, prompt: { text: 'A city at night', inputs }, config: { model: 'pixtral', mode: 'create_new' } });
    const batch = [{ name: runId, prompt: 'A city at night', video_path: `runs/${runId}/inputs/color.mp4` }];
    expect(launch).toEqual({
      batch,
      files: [{ path: `runs/${runId}/upsampler_batch.json`, text: `${JSON.stringify(batch, null, 2)}\n` }],
      uploads: [{ from: { root: 'inputs', path: 'city_night/color.mp4' }, to: `runs/${runId}/inputs/color.mp4` }],
      resultsPath: `outputs/${runId}/batch_results.json`,
      args: [
        'torchrun', '--nproc_per_node', '1', '--nnodes', '1', '--node_rank', '0',
        'scripts/prompt_upsampler.py',
        '--batch', `runs/${runId}/upsampler_batch.json`,
        '--output-dir', `outputs/${runId}`,
        '--checkpoint-dir', 'checkpoints',
      ],
      env: { PYTHONPATH: '/workspace', TMPDIR: `/workspace/runs/${runId}` },
    });
  });

  it('keeps the prompt out of argv', () => {
    const { args, batch } = buildUpsamplerBatch({ runId, prompt: { text: '--x "$(rm -rf /)"', inputs }, config: { model: 'pixtral', mode: 'create_new' } });
    expect(batch[0]!.prompt).toBe('--x "$(rm -rf /)"');
    expect(args.some((arg) => arg.includes('rm -rf'))).toBe(false);
  });

  it('refuses a model it does not know', () => {
    expect(() => buildUpsamplerBatch({ runId, prompt: { text: 'x', inputs }, config: { model: 'gpt' as never, mode: 'create_new' } })).toThrow(InvalidInput);
  });
});

describe('parseUpsamplerResult', () => {
  const result = (entry: object) => JSON.stringify([{ name: runId, original_prompt: 'A city', video_path: `runs/${runId}/inputs/color.mp4`, ...entry }]);

  it('returns the upsampled prompt of a success', () => {
    expect(parseUpsamplerResult(result({ upsampled_prompt: ' A sprawling neon city at night. ', success: true }), runId)).toEqual({
      status: 'upsampled',
      text: 'A sprawling neon city at night.',
    });
  });

  it('returns the upsampler error of a failure', () => {
    expect(parseUpsamplerResult(result({ success: false, error: 'CUDA out of memory' }), runId)).toEqual({
      status: 'failed',
      message: 'the prompt upsampler failed: CUDA out of memory',
    });
    expect(parseUpsamplerResult(result({ success: false }), runId)).toEqual({
      status: 'failed',
      message: 'the prompt upsampler failed: no error message given',
    });
  });

  it('never takes a missing, malformed or empty result for success', () => {
    expect(parseUpsamplerResult('', runId).status).toBe('unreadable');
    expect(parseUpsamplerResult('{"name": "x"}', runId)).toEqual({ status: 'unreadable', message: 'batch_results.json must be a list of results' });
    expect(parseUpsamplerResult('[]', runId)).toEqual({ status: 'unreadable', message: `batch_results.json has no result named ${runId}` });
    expect(parseUpsamplerResult(JSON.stringify([{ name: 'rs_other', upsampled_prompt: 'x', success: true }]), runId).status).toBe('unreadable');
    expect(parseUpsamplerResult(result({ upsampled_prompt: '  ', success: true }), runId)).toEqual({
      status: 'unreadable',
      message: `the result for ${runId} reports success but has no upsampled_prompt text`,
    });
  });
});
