import { Logger } from '@nestjs/common';
import type { GpuNode } from '../../../../libs/gpu/src/index.js';
import { type JobKind, type JobWork, runKindOf } from '../../../../libs/domain/src/index.js';
import { queuedPromptOf } from '../../../../libs/testing/src/index.js';
import { enhancedPromptId, enhancedPromptName } from './enhancement-result.js';
import { JobDriver } from './job-driver.js';
import type { RunOutcome } from './job-execution.js';
import type { JobLedger } from './job-ledger.js';

const RUN_A = `rs_${'a'.repeat(32)}`;
const RUN_B = `rs_${'b'.repeat(32)}`;
const OUTPUT = { name: 'output.mp4', path: 'run_x/output.mp4', sizeBytes: 1, sha256: 'f'.repeat(64), kind: 'video' as const };
const FAILURE = { reason: 'MISSING_OUTPUT' as const, message: 'no video_1/output.mp4', exitCode: 0 };

/** Given a workload, when the driver records outcomes, then these ledger steps happen in this order. */
function driverWithLedger(cancelRequest: { by: string; reason: string } | null = null) {
  const steps: string[] = [];
  const ledger = {
    now: () => '2026-11-28T12:00:00.000Z',
    jobState: async () => ({ status: 'Claimed', cancelRequested: cancelRequest }),
    completeRun: async (_job: string, _attempt: number, runId: string, _outputs: unknown, text: string | null) => void steps.push(`complete ${runId}${text ? ` "${text}"` : ''}`),
    failRun: async (_job: string, _attempt: number, runId: string, failure: { reason: string }) => void steps.push(`fail ${runId} ${failure.reason}`),
    cancelRun: async (_job: string, runId: string, reason: string, by: string) => void steps.push(`cancel ${runId} (${reason}, ${by})`),
    succeed: async () => void steps.push('job succeeded'),
    fail: async (_job: string, _attempt: number, failure: { reason: string }) => void steps.push(`job failed ${failure.reason}`),
    confirmCancel: async () => void steps.push('job cancelled'),
    prompt: async (promptId: string, command: { type: string; name?: string }) => void steps.push(`${command.type} ${promptId}${command.name ? ` ${command.name}` : ''}`),
  };
  const settings = { inputsRoot: '/in', outputsRoot: '/out', timeoutSeconds: { inference: 1, batch_inference: 1, upscale: 1, enhance: 1 }, defaultNegativePrompt: 'n' };
  const driver = new JobDriver({ name: 'gpu-a' } as GpuNode, ledger as unknown as JobLedger, settings, new Logger('test'));
  return { driver, steps };
}

function workload(kind: JobKind, runs: { id: string; config?: Record<string, unknown> }[]): JobWork {
  const promptId = `ps_${'c'.repeat(32)}`;
  const prompt = { ...queuedPromptOf(promptId), name: 'harbour', text: 'a harbour', negativePrompt: 'n', id: promptId };
  return {
    jobId: 'job_0123456789ab',
    kind,
    runs: runs.map((run) => ({ runId: run.id, promptId, ...runKindOf(kind), config: run.config ?? {}, prompt })),
    upscale: null,
    queuedBy: 'ana',
  };
}

describe('JobDriver.record', () => {
  it('records runs before the job, and a batch with one good run succeeds while the other run fails with its own reason', async () => {
    const { driver, steps } = driverWithLedger();
    const outcomes: RunOutcome[] = [
      { runId: RUN_A, status: 'completed', outputs: [OUTPUT], enhancedText: null },
      { runId: RUN_B, status: 'failed', failure: FAILURE },
    ];
    await driver.record(workload('batch_inference', [{ id: RUN_A }, { id: RUN_B }]), 1, outcomes, false);
    expect(steps).toEqual([`complete ${RUN_A}`, `fail ${RUN_B} MISSING_OUTPUT`, 'job succeeded']);
  });

  it('fails the job with the first failure when no run succeeded', async () => {
    const { driver, steps } = driverWithLedger();
    await driver.record(workload('inference', [{ id: RUN_A }]), 1, [{ runId: RUN_A, status: 'failed', failure: { ...FAILURE, reason: 'GUARDRAIL_BLOCKED' } }], false);
    expect(steps).toEqual([`fail ${RUN_A} GUARDRAIL_BLOCKED`, 'job failed GUARDRAIL_BLOCKED']);
  });

  it('ends a killed job cancelled with the owner’s reason, not failed KILLED', async () => {
    const { driver, steps } = driverWithLedger({ by: 'ana', reason: 'wrong prompt' });
    await driver.record(workload('inference', [{ id: RUN_A }]), 1, [{ runId: RUN_A, status: 'failed', failure: { ...FAILURE, reason: 'KILLED' } }], true);
    expect(steps).toEqual(['job cancelled', `cancel ${RUN_A} (wrong prompt, ana)`]);
  });

  it('keeps a result that arrived before the kill: the job succeeds', async () => {
    const { driver, steps } = driverWithLedger({ by: 'ana', reason: 'too slow' });
    await driver.record(workload('inference', [{ id: RUN_A }]), 1, [{ runId: RUN_A, status: 'completed', outputs: [OUTPUT], enhancedText: null }], true);
    expect(steps).toEqual([`complete ${RUN_A}`, 'job succeeded']);
  });

  it('turns a CREATE_NEW enhancement into a <name>_enhanced prompt whose id derives from the run', async () => {
    const { driver, steps } = driverWithLedger();
    const work = workload('enhance', [{ id: RUN_A, config: { model: 'pixtral', mode: 'create_new' } }]);
    await driver.record(work, 1, [{ runId: RUN_A, status: 'completed', outputs: [OUTPUT], enhancedText: 'a misty harbour' }], false);
    expect(steps).toEqual([`complete ${RUN_A} "a misty harbour"`, `CreatePrompt ${enhancedPromptId(RUN_A)} harbour_enhanced`, 'job succeeded']);
  });

  it('turns an OVERWRITE enhancement into the prompt’s replaced text', async () => {
    const { driver, steps } = driverWithLedger();
    const work = workload('enhance', [{ id: RUN_A, config: { model: 'pixtral', mode: 'overwrite' } }]);
    await driver.record(work, 1, [{ runId: RUN_A, status: 'completed', outputs: [OUTPUT], enhancedText: 'a misty harbour' }], false);
    expect(steps).toEqual([`complete ${RUN_A} "a misty harbour"`, `ReplacePromptText ps_${'c'.repeat(32)}`, 'job succeeded']);
  });
});

describe('enhancedPromptName', () => {
  it('keeps the whole name valid by cutting the base, never the suffix', () => {
    expect(enhancedPromptName('harbour')).toBe('harbour_enhanced');
    const long = enhancedPromptName('x'.repeat(100));
    expect(long).toHaveLength(100);
    expect(long.endsWith('_enhanced')).toBe(true);
  });
});
