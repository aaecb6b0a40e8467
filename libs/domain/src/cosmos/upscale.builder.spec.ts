import { InvalidInput } from '../shared/domain-error.js';
import { buildUpscaleSpec } from './upscale.builder.js';

const runId = 'rs_0123456789abcdef0123456789abcdef';
const sourceRunId = 'rs_fedcba9876543210fedcba9876543210';
const source = { root: 'outputs', path: `${sourceRunId}/output.mp4` } as const;

describe('buildUpscaleSpec', () => {
  it('builds the spec, files, upload and argv with the documented 10 steps', () => {
    const launch = buildUpscaleSpec({ runId, source, config: { controlWeight: 0.5, prompt: null } });
    const spec = { input_video_path: `runs/${runId}/inputs/source.mp4`, upscale: { control_weight: 0.5 } };
    expect(launch).toEqual({
      spec,
      files: [{ path: `runs/${runId}/spec.json`, text: `${JSON.stringify(spec, null, 2)}\n` }],
      uploads: [{ from: source, to: `runs/${runId}/inputs/source.mp4` }],
      outputs: { dir: `outputs/${runId}`, video: `outputs/${runId}/output.mp4`, promptText: `outputs/${runId}/output.txt` },
      args: [
        'torchrun', '--nproc_per_node', '1', '--nnodes', '1', '--node_rank', '0',
        'cosmos_transfer1/diffusion/inference/transfer.py',
        '--checkpoint_dir', 'checkpoints',
        '--video_save_folder', `outputs/${runId}`,
        '--controlnet_specs', `runs/${runId}/spec.json`,
        '--video_save_name', 'output',
        '--num_steps', '10',
        '--batch_size', '1',
        '--offload_text_encoder_model', '--offload_guardrail_models',
        '--num_gpus', '1',
      ],
      env: { PYTHONPATH: '/workspace' },
    });
  });

  it('sends every UpscaleConfig key: the weight always, the prompt when it has text', () => {
    const { spec } = buildUpscaleSpec({ runId, source, config: { controlWeight: 0.8, prompt: '  crisp 4K detail ' } });
    expect(spec).toEqual({ input_video_path: `runs/${runId}/inputs/source.mp4`, upscale: { control_weight: 0.8 }, prompt: 'crisp 4K detail' });
    expect(Object.keys(spec)).toEqual(['input_video_path', 'upscale', 'prompt']);
  });

  it('leaves a blank prompt out, so the model uses its own', () => {
    for (const prompt of ['', '   ', null]) {
      expect(buildUpscaleSpec({ runId, source, config: { controlWeight: 0.5, prompt } }).spec).not.toHaveProperty('prompt');
    }
  });

  it('uploads any source, an upscale or a plain input, into this run as source.mp4', () => {
    const upscaled = { root: 'outputs', path: `${sourceRunId}/output_4k.mp4` } as const;
    const input = { root: 'inputs', path: 'city_night/color.mp4' } as const;
    for (const from of [upscaled, input]) {
      const { uploads, spec } = buildUpscaleSpec({ runId, source: from, config: { controlWeight: 0.5, prompt: null } });
      expect(uploads).toEqual([{ from, to: `runs/${runId}/inputs/source.mp4` }]);
      expect(spec.input_video_path).toBe(`runs/${runId}/inputs/source.mp4`);
    }
  });

  it('refuses a source outside its root and an invalid config', () => {
    const config = { controlWeight: 0.5, prompt: null };
    expect(() => buildUpscaleSpec({ runId, source: { root: 'outputs', path: '../secrets.mp4' }, config })).toThrow(InvalidInput);
    expect(() => buildUpscaleSpec({ runId, source, config: { controlWeight: 2, prompt: null } })).toThrow('input.controlWeight');
  });
});
