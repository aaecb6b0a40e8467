import { parseCosmosContainers } from './cosmos-containers.js';

const row = (fields: Record<string, string>) => JSON.stringify({ ID: 'f00d', Image: 'cosmos-transfer1:latest', State: 'running', ...fields });

describe('parseCosmosContainers', () => {
  it('reads our labels among the image labels docker joins with commas, run lists included', () => {
    const labels = 'com.nvidia.volumes.needed=nvidia_driver,cosmos.job=job_1,cosmos.kind=batch_inference,cosmos.run=run_a,run_b,run_c,org.opencontainers.image.version=22.04';
    const [container] = parseCosmosContainers(`${row({ Names: 'cosmos_batch_inference_job_1_a2', Labels: labels, CreatedAt: '2025-06-01 12:00:05 +0200 CEST' })}\n`);
    expect(container).toEqual({
      name: 'cosmos_batch_inference_job_1_a2',
      id: 'f00d',
      image: 'cosmos-transfer1:latest',
      jobId: 'job_1',
      kind: 'batch_inference',
      runIds: ['run_a', 'run_b', 'run_c'],
      gpus: null,
      state: 'running',
      startedAt: '2025-06-01T10:00:05.000Z',
    });
  });

  it('reads the GPUs a job holds from its cosmos.gpus label, commas and all', () => {
    const labels = 'cosmos.gpus=2,3,cosmos.job=job_1,cosmos.run=run_a';
    expect(parseCosmosContainers(row({ Names: 'ours', Labels: labels }))).toEqual([expect.objectContaining({ gpus: [2, 3], runIds: ['run_a'] })]);
  });

  it('skips blank and unreadable lines and rows without our job label', () => {
    const text = ['', 'not json', row({ Names: 'theirs', Labels: 'cosmos.kind=inference' }), row({ Names: 'ours', Labels: 'cosmos.job=job_2' })].join('\n');
    expect(parseCosmosContainers(text)).toEqual([expect.objectContaining({ name: 'ours', jobId: 'job_2', kind: null, runIds: [], startedAt: null })]);
  });
});
