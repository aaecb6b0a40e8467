import { Logger } from '@nestjs/common';
import { JobInvalidTransition } from '../../../../libs/domain/src/index.js';
import type { JobLedger } from './job-ledger.js';
import { ProgressReporter } from './progress-reporter.js';

/** A ledger that only writes down what it was asked to record. */
function recordingLedger(refuse: (stage: string, percent: number) => boolean = () => false) {
  const recorded: string[] = [];
  const ledger = {
    stage: async (_job: string, _attempt: number, stage: string, percent: number) => {
      if (refuse(stage, percent)) throw new JobInvalidTransition('job_1', 'moved on');
      recorded.push(`${stage} ${percent}`);
    },
    runStatus: async (_job: string, _attempt: number, runId: string, status: string) => {
      recorded.push(`${runId} ${status}`);
    },
  };
  return { ledger: ledger as unknown as JobLedger, recorded };
}

const JOB = { jobId: 'job_1', attempt: 1, runIds: ['rs_a', 'rs_b'], node: { name: 'gpu-a', simulated: false } };

describe('ProgressReporter', () => {
  it('records each stage once for the job and its runs, then percent in steps of 5', async () => {
    const { ledger, recorded } = recordingLedger();
    const reporter = new ProgressReporter(ledger, JOB, { stage: null, percent: 0 }, new Logger('test'));
    for (const [stage, percent] of [['uploading', 0], ['uploading', 2], ['uploading', 7.9], ['running', 0], ['running', 3], ['running', 100], ['downloading', 0]] as const) {
      reporter.report(stage, percent);
    }
    await reporter.flush();
    expect(recorded).toEqual([
      'uploading 0', 'rs_a uploading', 'rs_b uploading',
      'uploading 7',
      'running 0', 'rs_a running', 'rs_b running',
      'running 100',
      'downloading 0', 'rs_a downloading', 'rs_b downloading',
    ]);
  });

  it('starts from what the job recorded, so a re-attached attempt never reports going back', async () => {
    const { ledger, recorded } = recordingLedger();
    const reporter = new ProgressReporter(ledger, JOB, { stage: 'running', percent: 40 }, new Logger('test'));
    reporter.report('uploading', 100);
    reporter.report('running', 20);
    reporter.report('running', 60);
    await reporter.flush();
    expect(recorded).toEqual(['running 60']);
  });

  it('keeps going when a step is refused because the job moved on', async () => {
    const { ledger, recorded } = recordingLedger((stage) => stage === 'running');
    const reporter = new ProgressReporter(ledger, JOB, { stage: null, percent: 0 }, new Logger('test'));
    reporter.report('running', 10);
    reporter.report('downloading', 0);
    await reporter.flush();
    expect(recorded).toEqual(['downloading 0', 'rs_a downloading', 'rs_b downloading']);
  });
});
