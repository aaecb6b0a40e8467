import { killPlan, type KillTarget } from './kill-plan.js';

const job = (id: string, status: NonNullable<KillTarget['job']>['status'], containerName: string, runIds = [`rs_${id}`]): NonNullable<KillTarget['job']> => ({
  id,
  status,
  attempts: 2,
  containerName,
  runIds,
});

describe('killPlan', () => {
  it('given a running batch, fails the job before each of its runs, then kills the container, with ids from the attempt', () => {
    const plan = killPlan('gpu-a', [{ containerName: 'c_a2', job: job('job_a', 'running', 'c_a2', ['rs_1', 'rs_2']) }], 'ana');
    const message = 'killed by ana with the kill switch of GPU node gpu-a (container c_a2)';
    expect(plan).toEqual({
      steps: [
        { type: 'FailJob', jobId: 'job_a', commandId: 'job_a:killed:a2', message, ifRefused: 'skip its runs, not killed by us' },
        { type: 'FailRun', jobId: 'job_a', runId: 'rs_1', commandId: 'job_a:killed:a2:rs_1', message, ifRefused: 'leave the run as it is' },
        { type: 'FailRun', jobId: 'job_a', runId: 'rs_2', commandId: 'job_a:killed:a2:rs_2', message, ifRefused: 'leave the run as it is' },
      ],
      containers: ['c_a2'],
      jobIds: ['job_a'],
    });
  });

  it('given a leftover of an earlier attempt or of a finished job, kills the container and touches no job', () => {
    const plan = killPlan('gpu-a', [
      { containerName: 'c_b1', job: job('job_b', 'running', 'c_b2') },
      { containerName: 'c_c1', job: job('job_c', 'succeeded', 'c_c1') },
      { containerName: 'c_d1', job: null },
    ], 'ana');
    expect(plan).toEqual({ steps: [], containers: ['c_b1', 'c_c1', 'c_d1'], jobIds: [] });
  });

  it('given a job an earlier, cut-short kill already failed, repeats its steps (the same ids: nothing twice) without listing it as active', () => {
    const plan = killPlan('gpu-a', [{ containerName: 'c_e2', job: job('job_e', 'failed', 'c_e2') }], 'ana');
    expect(plan.steps.map((step) => step.commandId)).toEqual(['job_e:killed:a2', 'job_e:killed:a2:rs_job_e']);
    expect(plan.jobIds).toEqual([]);
  });

  it('given several containers, fails every job before any container is killed', () => {
    const plan = killPlan('gpu-a', [
      { containerName: 'c_f1', job: job('job_f', 'uploading', 'c_f1') },
      { containerName: 'c_g1', job: job('job_g', 'downloading', 'c_g1') },
    ], 'ana');
    expect(plan.steps.map((step) => `${step.type} ${step.jobId}`)).toEqual(['FailJob job_f', 'FailRun job_f', 'FailJob job_g', 'FailRun job_g']);
    expect(plan.jobIds).toEqual(['job_f', 'job_g']);
  });
});
