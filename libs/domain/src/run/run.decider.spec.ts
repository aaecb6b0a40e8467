import { deciderSpec } from '../../../testing/src/index.js';
import { fold } from '../shared/decider.js';
import { type DomainError, type FieldProblem, InvalidInput } from '../shared/domain-error.js';
import type { CompleteRun, MoveRunToBatch, RequestRun, RunCommand } from './run.commands.js';
import { runDecider } from './run.decider.js';
import { RunActive, RunAlreadyExists, RunInvalidTransition, RunNotActive, RunNotCompleted, RunNotFound, RunNotMovable } from './run.errors.js';
import type {
  OutputFile,
  RunCancelled,
  RunCompleted,
  RunDeleted,
  RunEvent,
  RunFailed,
  RunMovedToBatch,
  RunOutputsDeleted,
  RunRated,
  RunRequested,
  RunStatusChanged,
} from './run.events.js';

const spec = deciderSpec(runDecider);
const runId = 'rs_0123456789abcdef0123456789abcdef';
const [t0, t1, t2, t3, t4] = ['10:00', '10:01', '10:02', '10:03', '10:04'].map((hm) => `2026-11-28T${hm}:00.000Z`);
const config = { weights: { vis: 0.25, edge: 0.25, depth: 0.25, seg: 0.25 }, num_steps: 35, guidance: 5, seed: 1 };

const request = (overrides: Partial<RequestRun> = {}): RequestRun => ({
  type: 'RequestRun',
  runId,
  promptId: 'ps_1',
  jobId: 'job_1',
  kind: 'inference',
  modelType: 'transfer',
  config,
  sourceRunId: null,
  sourceVideo: null,
  now: t0,
  actor: 'ana',
  ...overrides,
});
const requested: RunRequested = {
  type: 'RunRequested',
  data: {
    runId,
    promptId: 'ps_1',
    jobId: 'job_1',
    kind: 'inference',
    modelType: 'transfer',
    config,
    sourceRunId: null,
    sourceVideo: null,
    requestedAt: t0,
    requestedBy: 'ana',
  },
};
const requestedAs = (data: Partial<RunRequested['data']>): RunRequested => ({ type: 'RunRequested', data: { ...requested.data, ...data } });
const status = (to: RunStatusChanged['data']['status'], at = t1): RunStatusChanged => ({
  type: 'RunStatusChanged',
  data: { status: to, node: 'gpu-1', simulated: false, at },
});

const file = (path: string, kind: OutputFile['kind'] = 'video'): OutputFile => ({
  name: path.split('/').pop() ?? path,
  path,
  sizeBytes: 1024,
  sha256: 'ab'.repeat(32),
  kind,
});
const video = file(`${runId}/output.mp4`);
const log = file(`${runId}/run.log`, 'log');
const complete = (overrides: Partial<CompleteRun> = {}): CompleteRun => ({
  type: 'CompleteRun',
  runId,
  outputs: [video, log],
  enhancedText: null,
  now: t2,
  ...overrides,
});
const completed: RunCompleted = { type: 'RunCompleted', data: { outputs: [video, log], completedAt: t2, enhancedText: null } };
const failed: RunFailed = { type: 'RunFailed', data: { reason: 'CONTAINER_EXIT', message: 'exit code 1', exitCode: 1, failedAt: t2 } };
const cancelled: RunCancelled = { type: 'RunCancelled', data: { reason: 'wrong weights', cancelledAt: t2, cancelledBy: 'ben' } };
const rated = (rating: number | null, at = t3): RunRated => ({ type: 'RunRated', data: { rating, ratedBy: 'ana', ratedAt: at } });
const outputsDeleted = (paths: string[]): RunOutputsDeleted => ({ type: 'RunOutputsDeleted', data: { paths, deletedAt: t3 } });
const deleted: RunDeleted = { type: 'RunDeleted', data: { deletedAt: t4, deletedBy: 'ana', deleteOutputs: true } };

const cmd = {
  status: (to: RunStatusChanged['data']['status']): RunCommand => ({ type: 'ChangeRunStatus', runId, status: to, node: 'gpu-1', now: t1 }),
  fail: (): RunCommand => ({ type: 'FailRun', runId, reason: 'CONTAINER_EXIT', message: 'exit code 1', exitCode: 1, now: t2 }),
  cancel: (): RunCommand => ({ type: 'CancelRun', runId, reason: 'wrong weights', now: t2, actor: 'ben' }),
  rate: (rating: number | null): RunCommand => ({ type: 'RateRun', runId, rating, now: t3, actor: 'ana' }),
  delete: (): RunCommand => ({ type: 'DeleteRun', runId, deleteOutputs: true, now: t4, actor: 'ana' }),
  deleteOutputs: (paths: string[]): RunCommand => ({ type: 'DeleteRunOutputs', runId, paths, now: t3 }),
};

function errorOf(given: readonly RunEvent[], command: RunCommand): DomainError {
  try {
    runDecider.decide(command, fold(runDecider, given));
  } catch (error) {
    return error as DomainError;
  }
  throw new Error(`${command.type} did not throw`);
}
function fieldsOf(given: readonly RunEvent[], command: RunCommand): FieldProblem[] {
  const error = errorOf(given, command);
  expect(error).toBeInstanceOf(InvalidInput);
  return (error as InvalidInput).details.fields;
}

const running = [requested, status('uploading'), status('running')];
const done = [requested, status('running'), completed];

describe('run decider', () => {
  describe('RequestRun', () => {
    it('requests an inference run with its full config', () => {
      spec.given([]).when(request()).then([requested]);
    });

    it('requests an upscale of another run, or of a video no run produced', () => {
      const upscale = { kind: 'upscale', modelType: 'upscale', config: { control_weight: 0.5 } } as const;
      spec.given([]).when(request({ ...upscale, sourceRunId: 'rs_parent' })).then([requestedAs({ ...upscale, sourceRunId: 'rs_parent' })]);
      spec.given([]).when(request({ ...upscale, sourceVideo: 'shots/take1.mp4' })).then([requestedAs({ ...upscale, sourceVideo: 'shots/take1.mp4' })]);
    });

    it('refuses an upscale without a source', () => {
      spec.given([]).when(request({ kind: 'upscale', modelType: 'upscale' })).thenThrows(InvalidInput, /upscale needs a source run or a source video/);
    });

    it('refuses a source on a run that is not an upscale, and a source video outside the inputs root', () => {
      expect(fieldsOf([], request({ kind: 'enhance', modelType: 'enhance', sourceVideo: '../x.mp4' }))).toEqual([
        { field: 'input.sourceRunId', problem: 'only upscale runs have a source; this is an enhance run' },
        { field: 'input.sourceVideo', problem: 'must be relative to the inputs root, with \'/\' separators and no \'..\' (got "../x.mp4")' },
      ]);
    });

    it('refuses a run that already exists or existed', () => {
      spec.given([requested]).when(request()).thenThrows(RunAlreadyExists, `Run ${runId} already exists`);
      spec.given([...done, deleted]).when(request()).thenThrows(RunAlreadyExists, /never reused/);
    });
  });

  describe('ChangeRunStatus', () => {
    it('moves forward through uploading, running and downloading', () => {
      spec.given([requested]).when(cmd.status('uploading')).then([status('uploading')]);
      spec.given([requested, status('uploading')]).when(cmd.status('running')).then([status('running')]);
      spec.given(running).when(cmd.status('downloading')).then([status('downloading')]);
    });

    it('says whether the node is the simulated one, always (schema v2)', () => {
      const simulated = { type: 'ChangeRunStatus' as const, runId, status: 'uploading' as const, node: 'simulated', simulated: true, now: t1 };
      spec.given([requested]).when(simulated).then([{ type: 'RunStatusChanged', data: { status: 'uploading', node: 'simulated', simulated: true, at: t1 } }]);
      spec.given([requested]).when({ ...simulated, node: 'gpu-1', simulated: false }).then([{ type: 'RunStatusChanged', data: { status: 'uploading', node: 'gpu-1', simulated: false, at: t1 } }]);
    });

    it('may skip a stage', () => {
      spec.given([requested]).when(cmd.status('running')).then([status('running')]);
    });

    it('treats the current status again as a no-op', () => {
      spec.given(running).when(cmd.status('running')).then([]);
    });

    it('refuses to go back', () => {
      spec.given(running).when(cmd.status('uploading')).thenThrows(RunInvalidTransition, `Run ${runId} cannot go back from running to uploading`);
    });

    it('refuses progress on a finished run, and on a missing one', () => {
      spec.given([requested, cancelled]).when(cmd.status('running')).thenThrows(RunNotActive, `Run ${runId} is already cancelled`);
      spec.given([]).when(cmd.status('running')).thenThrows(RunNotFound, `Run ${runId} not found`);
    });
  });

  describe('CompleteRun', () => {
    it('completes an active run with its outputs', () => {
      spec.given(running).when(complete()).then([completed]);
    });

    it('completes a pending run directly, as batch runs did', () => {
      spec.given([requested]).when(complete()).then([completed]);
    });

    it('completes an enhance run with its enhanced text', () => {
      spec
        .given([requestedAs({ kind: 'enhance', modelType: 'enhance' })])
        .when(complete({ outputs: [log], enhancedText: 'A neon city' }))
        .then([{ type: 'RunCompleted', data: { outputs: [log], completedAt: t2, enhancedText: 'A neon city' } }]);
    });

    it('completes a reason run with a text result and no video', () => {
      const answer = file(`${runId}/answer.json`, 'json');
      spec
        .given([requestedAs({ modelType: 'reason' })])
        .when(complete({ outputs: [answer] }))
        .then([{ type: 'RunCompleted', data: { outputs: [answer], completedAt: t2, enhancedText: null } }]);
    });

    it('refuses to complete an inference or upscale run without a video', () => {
      spec.given(running).when(complete({ outputs: [log] })).thenThrows(InvalidInput, /needs at least one video output; fail it with MISSING_OUTPUT/);
      spec
        .given([requestedAs({ kind: 'upscale', modelType: 'upscale', sourceRunId: 'rs_parent' })])
        .when(complete({ outputs: [] }))
        .thenThrows(InvalidInput, /completed upscale run needs at least one video output/);
    });

    it('refuses to complete an enhance run without text, and enhanced text on other runs', () => {
      spec
        .given([requestedAs({ kind: 'enhance', modelType: 'enhance' })])
        .when(complete({ outputs: [], enhancedText: '  ' }))
        .thenThrows(InvalidInput, /input\.enhancedText: an enhance run completes with its enhanced text/);
      spec.given(running).when(complete({ enhancedText: 'x' })).thenThrows(InvalidInput, /only enhance runs produce enhanced text/);
    });

    it('refuses malformed output files, naming each', () => {
      const bad = { name: ' ', path: '/tmp/out.mp4', sizeBytes: -1, sha256: 'XYZ', kind: 'video' } as const;
      expect(fieldsOf(running, complete({ outputs: [video, bad, video] }))).toEqual([
        { field: 'input.outputs[1]', problem: 'name is required' },
        { field: 'input.outputs[1]', problem: 'path "/tmp/out.mp4" must be relative to the outputs root, with \'/\' separators and no \'..\'' },
        { field: 'input.outputs[1]', problem: 'sizeBytes must be a whole number ≥ 0 (got -1)' },
        { field: 'input.outputs[1]', problem: 'sha256 must be 64 lower-case hex digits' },
        { field: 'input.outputs', problem: `lists ${video.path} more than once` },
      ]);
    });

    it('refuses to complete a finished run, even with the same outcome', () => {
      spec.given(done).when(complete()).thenThrows(RunNotActive, /already completed/);
      spec.given([requested, failed]).when(complete()).thenThrows(RunNotActive, /already failed/);
    });
  });

  describe('FailRun and CancelRun', () => {
    it('fails an active run with a typed reason, message and exit code', () => {
      spec.given(running).when(cmd.fail()).then([failed]);
    });

    it('cancels an active run, recording who and why', () => {
      spec.given([requested]).when(cmd.cancel()).then([cancelled]);
      spec.given([...running, status('downloading')]).when(cmd.cancel()).then([cancelled]);
    });

    it('refuses to end a finished run again, reporting how it ended', () => {
      const error = errorOf([requested, cancelled], cmd.fail());
      expect(error).toBeInstanceOf(RunNotActive);
      expect(error.code).toBe('RUN_NOT_ACTIVE');
      expect(error.details).toEqual({ runId, status: 'cancelled' });
      spec.given(done).when(cmd.cancel()).thenThrows(RunNotActive, /already completed/);
      spec.given([requested, failed]).when(cmd.cancel()).thenThrows(RunNotActive, /already failed/);
    });

    it('refuses a missing or deleted run as not found', () => {
      spec.given([]).when(cmd.cancel()).thenThrows(RunNotFound, `Run ${runId} not found`);
      spec.given([...done, deleted]).when(cmd.fail()).thenThrows(RunNotFound, `Run ${runId} not found: it was deleted at ${t4}`);
    });
  });

  describe('RateRun', () => {
    it.each([1, 5])('rates a completed run %i', (rating) => {
      spec.given(done).when(cmd.rate(rating)).then([rated(rating)]);
    });

    it('changes and clears a rating', () => {
      spec.given([...done, rated(3)]).when(cmd.rate(4)).then([rated(4)]);
      spec.given([...done, rated(3)]).when(cmd.rate(null)).then([rated(null)]);
    });

    it('treats the same rating again as a no-op', () => {
      spec.given([...done, rated(3)]).when(cmd.rate(3)).then([]);
      spec.given(done).when(cmd.rate(null)).then([]);
    });

    it.each([0, 6, 2.5, Number.NaN])('refuses the rating %p', (rating) => {
      spec.given(done).when(cmd.rate(rating)).thenThrows(InvalidInput, /input\.rating: must be a whole number from 1 to 5, or null/);
    });

    it('refuses a boolean arriving through JSON, which the predecessor took as 1', () => {
      spec.given(done).when(cmd.rate(true as unknown as number)).thenThrows(InvalidInput, /got true/);
    });

    it('refuses to rate a run that did not complete', () => {
      spec.given(running).when(cmd.rate(4)).thenThrows(RunNotCompleted, `Only completed runs can be rated; run ${runId} is running`);
      spec.given([requested, failed]).when(cmd.rate(4)).thenThrows(RunNotCompleted, /is failed/);
      spec.given([requested, cancelled]).when(cmd.rate(4)).thenThrows(RunNotCompleted, /is cancelled/);
    });

    it('refuses a missing or deleted run as not found', () => {
      spec.given([]).when(cmd.rate(4)).thenThrows(RunNotFound);
      spec.given([...done, deleted]).when(cmd.rate(4)).thenThrows(RunNotFound, /deleted/);
    });
  });

  describe('DeleteRun', () => {
    it.each([
      ['completed', done],
      ['failed', [requested, failed]],
      ['cancelled', [requested, cancelled]],
    ])('deletes a %s run', (_, given) => {
      spec.given(given).when(cmd.delete()).then([deleted]);
    });

    it('refuses while the run is active', () => {
      const error = errorOf(running, cmd.delete());
      expect(error).toBeInstanceOf(RunActive);
      expect(error.code).toBe('RUN_ACTIVE');
      expect(error.message).toBe(`Run ${runId} is still running: cancel it or wait for it to finish`);
    });

    it('refuses a missing or already deleted run as not found', () => {
      spec.given([]).when(cmd.delete()).thenThrows(RunNotFound);
      spec.given([...done, deleted]).when(cmd.delete()).thenThrows(RunNotFound, /deleted at/);
    });
  });

  describe('DeleteRunOutputs', () => {
    it('deletes some outputs of a finished run, once each', () => {
      spec.given(done).when(cmd.deleteOutputs([video.path, video.path])).then([outputsDeleted([video.path])]);
    });

    it('skips outputs already deleted, so a retry is a no-op', () => {
      spec.given([...done, outputsDeleted([video.path])]).when(cmd.deleteOutputs([video.path])).then([]);
      spec.given([...done, outputsDeleted([video.path])]).when(cmd.deleteOutputs([video.path, log.path])).then([outputsDeleted([log.path])]);
    });

    it('refuses paths that were never outputs of the run, and an empty list', () => {
      spec.given(done).when(cmd.deleteOutputs(['rs_other/output.mp4'])).thenThrows(InvalidInput, `input.paths: not outputs of run ${runId}: rs_other/output.mp4`);
      spec.given(done).when(cmd.deleteOutputs([])).thenThrows(InvalidInput, /at least one/);
    });

    it('refuses while the run is active, and on a missing or deleted run', () => {
      spec.given(running).when(cmd.deleteOutputs([video.path])).thenThrows(RunActive);
      spec.given([]).when(cmd.deleteOutputs([video.path])).thenThrows(RunNotFound);
      spec.given([...done, deleted]).when(cmd.deleteOutputs([video.path])).thenThrows(RunNotFound);
    });
  });

  describe('MoveRunToBatch', () => {
    const batchJobId = 'job_baba0000baba0000';
    const move = (fromJobId = 'job_1'): MoveRunToBatch => ({ type: 'MoveRunToBatch', runId, fromJobId, batchJobId, now: t1, actor: 'ana' });
    const moved: RunMovedToBatch = { type: 'RunMovedToBatch', data: { batchJobId, fromJobId: 'job_1', by: 'ana', at: t1 } };

    it('moves a pending run of the merged job into the batch, once', () => {
      spec.given([requested]).when(move()).then([moved]);
      spec.given([requested, moved]).when(move()).then([]);
      spec.given([requested, moved]).thenState({ status: 'pending', kind: 'inference', modelType: 'transfer', node: null, requestedAt: t0, jobId: batchJobId });
    });

    it('refuses a run a worker has started, one that ended, and one of another job', () => {
      spec.given(running).when(move()).thenThrows(RunNotMovable, `Run ${runId} cannot move into a batch: it is running under job_1`);
      spec.given([requested, cancelled]).when(move()).thenThrows(RunNotMovable, /it already cancelled/);
      spec.given([requested]).when(move('job_2')).thenThrows(RunNotMovable, /it belongs to job_1, not job_2/);
      spec.given([]).when(move()).thenThrows(RunNotFound);
    });
  });

  describe('evolve', () => {
    it('starts as not requested and follows the active stages', () => {
      spec.given([]).thenState({ status: 'NotRequested' });
      spec.given([requested]).thenState({ status: 'pending', kind: 'inference', modelType: 'transfer', node: null, requestedAt: t0, jobId: 'job_1' });
      spec.given(running).thenState({ status: 'running', kind: 'inference', modelType: 'transfer', node: 'gpu-1', requestedAt: t0, jobId: 'job_1' });
    });

    it('finishes with outputs, rating and deletions', () => {
      const finished = { status: 'completed', rating: null, outputs: [video, log], deletedOutputPaths: [], finishedAt: t2 } as const;
      spec.given(done).thenState(finished);
      spec.given([...done, rated(4)]).thenState({ ...finished, rating: 4 });
      spec.given([...done, rated(4), outputsDeleted([video.path])]).thenState({ ...finished, rating: 4, outputs: [log], deletedOutputPaths: [video.path] });
      spec.given([...done, deleted]).thenState({ status: 'Deleted', deletedAt: t4 });
    });

    it('finishes failed and cancelled runs without outputs', () => {
      spec.given([requested, failed]).thenState({ status: 'failed', rating: null, outputs: [], deletedOutputPaths: [], finishedAt: t2 });
      spec.given([...running, cancelled]).thenState({ status: 'cancelled', rating: null, outputs: [], deletedOutputPaths: [], finishedAt: t2 });
    });
  });
});
