import { InvalidInput } from '../shared/domain-error.js';
import {
  batchLineOutputFiles,
  controlOutputHint,
  inContainer,
  jobBaseSpecPath,
  jobBatchJsonlPath,
  jobOutputDir,
  jsonFile,
  onHost,
  runInputVideo,
  runOutputDir,
  runSpecPath,
  runUpsamplerBatchPath,
  singleOutputFiles,
  upsamplerResultsPath,
} from './remote-layout.js';

const runId = 'rs_0123456789abcdef0123456789abcdef';
const jobId = 'job_0123456789ab';

describe('remote layout', () => {
  it('gives each run its own inputs, named by role so two inputs never collide', () => {
    expect(runInputVideo(runId, 'color')).toBe(`runs/${runId}/inputs/color.mp4`);
    expect(runInputVideo(runId, 'depth')).toBe(`runs/${runId}/inputs/depth.mp4`);
    expect(runInputVideo(runId, 'segmentation')).toBe(`runs/${runId}/inputs/segmentation.mp4`);
    expect(runInputVideo(runId, 'source')).toBe(`runs/${runId}/inputs/source.mp4`);
    expect(runSpecPath(runId)).toBe(`runs/${runId}/spec.json`);
    expect(runUpsamplerBatchPath(runId)).toBe(`runs/${runId}/upsampler_batch.json`);
  });

  it('gives each batch job its own files instead of fixed shared names', () => {
    expect(jobBatchJsonlPath(jobId)).toBe(`jobs/${jobId}/batch.jsonl`);
    expect(jobBaseSpecPath(jobId)).toBe(`jobs/${jobId}/base_spec.json`);
    expect(jobOutputDir(jobId)).toBe(`outputs/${jobId}`);
  });

  it('names outputs as the model writes them in single and batch mode', () => {
    expect(runOutputDir(runId)).toBe(`outputs/${runId}`);
    expect(singleOutputFiles(runId)).toEqual({
      dir: `outputs/${runId}`,
      video: `outputs/${runId}/output.mp4`,
      promptText: `outputs/${runId}/output.txt`,
    });
    expect(batchLineOutputFiles(jobId, 2)).toEqual({
      dir: `outputs/${jobId}/video_2`,
      video: `outputs/${jobId}/video_2/output.mp4`,
      promptText: `outputs/${jobId}/video_2/prompt.txt`,
    });
    expect(upsamplerResultsPath(runId)).toBe(`outputs/${runId}/batch_results.json`);
  });

  it('maps the same relative path into the container and onto the host', () => {
    expect(inContainer(runSpecPath(runId))).toBe(`/workspace/runs/${runId}/spec.json`);
    expect(onHost('/home/gpu/cosmos-transfer1/', runSpecPath(runId))).toBe(`/home/gpu/cosmos-transfer1/runs/${runId}/spec.json`);
  });

  it('refuses ids that could leave the run folder', () => {
    for (const id of ['../x', 'a/b', '', '.hidden', 'rs 1']) {
      expect(() => runSpecPath(id)).toThrow(InvalidInput);
    }
    expect(() => jobOutputDir('..')).toThrow(InvalidInput);
    expect(() => batchLineOutputFiles(jobId, -1)).toThrow(InvalidInput);
  });

  it('recognises auto-generated control videos with and without the rank suffix', () => {
    expect(controlOutputHint('edge_input_control_0.mp4')).toBe('edge');
    expect(controlOutputHint('seg_input_control_3.mp4')).toBe('seg');
    expect(controlOutputHint('depth_input_control.mp4')).toBe('depth');
    expect(controlOutputHint('output.mp4')).toBeNull();
    expect(controlOutputHint('color_input_control_0.mp4')).toBeNull();
    expect(controlOutputHint('edge_input_control_0.mp4.part')).toBeNull();
  });

  it('writes JSON files as two-space JSON with a final newline', () => {
    expect(jsonFile('runs/x/spec.json', { a: 1 })).toEqual({ path: 'runs/x/spec.json', text: '{\n  "a": 1\n}\n' });
  });
});
