import type { ModelType } from '../prompt/prompt.events.js';
import { assertNever } from '../shared/assert-never.js';
import type { Decider } from '../shared/decider.js';
import { InvalidInput } from '../shared/domain-error.js';
import type { ChangeRunStatus, DeleteRunOutputs, MoveRunToBatch, RateRun, RunCommand } from './run.commands.js';
import { RunActive, RunAlreadyExists, RunInvalidTransition, RunNotActive, RunNotCompleted, RunNotFound, RunNotMovable } from './run.errors.js';
import {
  ACTIVE_RUN_STATUSES,
  type ActiveRunStatus,
  type FinishedRunStatus,
  type OutputFile,
  type RunEvent,
  type RunKind,
  type RunOutputsDeleted,
  type RunRated,
  type RunStatusChanged,
} from './run.events.js';
import { completionProblems, ratingProblem, requestProblems } from './run.validation.js';

export interface ActiveRun {
  readonly status: ActiveRunStatus;
  readonly kind: RunKind;
  readonly modelType: ModelType;
  /** The GPU node executing it, once one has reported progress. */
  readonly node: string | null;
  readonly requestedAt: string;
  /** The job that will execute it: the requesting one, or the batch it was moved into. */
  readonly jobId: string;
}

export interface FinishedRun {
  readonly status: FinishedRunStatus;
  /** Only completed runs are ever rated. */
  readonly rating: number | null;
  /** The outputs still on disk. */
  readonly outputs: readonly OutputFile[];
  readonly deletedOutputPaths: readonly string[];
  readonly finishedAt: string;
}

/** Discriminated by the run's own status, so `state.status` is what users see. */
export type RunState = { readonly status: 'NotRequested' } | ActiveRun | FinishedRun | { readonly status: 'Deleted'; readonly deletedAt: string };

/**
 * Terminal commands on a finished run are refused (RUN_NOT_ACTIVE) even when they repeat the
 * recorded outcome; kept simple on purpose. The error carries that outcome, so a retrying worker
 * can tell "already done" from "lost a race with a cancel".
 */
export const runDecider: Decider<RunCommand, RunEvent, RunState> = {
  name: 'run',
  initialState: { status: 'NotRequested' },

  decide(command, state) {
    switch (command.type) {
      case 'RequestRun': {
        if (state.status !== 'NotRequested') throw new RunAlreadyExists(command.runId, state.status === 'Deleted');
        const problems = requestProblems(command);
        if (problems.length > 0) throw new InvalidInput(problems);
        const { runId, promptId, jobId, kind, modelType, sourceRunId, sourceVideo } = command;
        const config = { ...command.config };
        return [
          {
            type: 'RunRequested',
            data: { runId, promptId, jobId, kind, modelType, config, sourceRunId, sourceVideo, requestedAt: command.now, requestedBy: command.actor },
          },
        ];
      }
      case 'ChangeRunStatus':
        return changeStatus(command, requireActive(command.runId, state));
      case 'CompleteRun': {
        const problems = completionProblems(requireActive(command.runId, state), command);
        if (problems.length > 0) throw new InvalidInput(problems);
        return [{ type: 'RunCompleted', data: { outputs: [...command.outputs], completedAt: command.now, enhancedText: command.enhancedText } }];
      }
      case 'FailRun':
        requireActive(command.runId, state);
        return [{ type: 'RunFailed', data: { reason: command.reason, message: command.message, exitCode: command.exitCode, failedAt: command.now } }];
      case 'CancelRun':
        requireActive(command.runId, state);
        return [{ type: 'RunCancelled', data: { reason: command.reason, cancelledAt: command.now, cancelledBy: command.actor } }];
      case 'RateRun':
        return rate(command, requireExisting(command.runId, state));
      case 'DeleteRun':
        requireFinished(command.runId, state);
        return [{ type: 'RunDeleted', data: { deletedAt: command.now, deletedBy: command.actor, deleteOutputs: command.deleteOutputs } }];
      case 'DeleteRunOutputs':
        return deleteOutputs(command, requireFinished(command.runId, state));
      case 'MoveRunToBatch':
        return moveToBatch(command, state);
      default:
        return assertNever(command);
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'RunRequested':
        return { status: 'pending', kind: event.data.kind, modelType: event.data.modelType, node: null, requestedAt: event.data.requestedAt, jobId: event.data.jobId };
      case 'RunMovedToBatch':
        return isActive(state) ? { ...state, jobId: event.data.batchJobId } : state;
      case 'RunStatusChanged':
        return isActive(state) ? { ...state, status: event.data.status, node: event.data.node } : state;
      case 'RunCompleted':
        return finished('completed', event.data.outputs, event.data.completedAt);
      case 'RunFailed':
        return finished('failed', [], event.data.failedAt);
      case 'RunCancelled':
        return finished('cancelled', [], event.data.cancelledAt);
      case 'RunRated':
        return isFinished(state) ? { ...state, rating: event.data.rating } : state;
      case 'RunOutputsDeleted': {
        if (!isFinished(state)) return state;
        const gone = new Set(event.data.paths);
        return {
          ...state,
          outputs: state.outputs.filter((output) => !gone.has(output.path)),
          deletedOutputPaths: [...state.deletedOutputPaths, ...event.data.paths],
        };
      }
      case 'RunDeleted':
        return { status: 'Deleted', deletedAt: event.data.deletedAt };
      default:
        return assertNever(event);
    }
  },
};

function finished(status: FinishedRunStatus, outputs: readonly OutputFile[], finishedAt: string): FinishedRun {
  return { status, rating: null, outputs, deletedOutputPaths: [], finishedAt };
}

function isActive(state: RunState): state is ActiveRun {
  return (ACTIVE_RUN_STATUSES as readonly string[]).includes(state.status);
}

function isFinished(state: RunState): state is FinishedRun {
  return state.status === 'completed' || state.status === 'failed' || state.status === 'cancelled';
}

function requireExisting(runId: string, state: RunState): ActiveRun | FinishedRun {
  switch (state.status) {
    case 'NotRequested':
      throw new RunNotFound(runId);
    case 'Deleted':
      throw new RunNotFound(runId, state.deletedAt);
    case 'pending':
    case 'uploading':
    case 'running':
    case 'downloading':
    case 'completed':
    case 'failed':
    case 'cancelled':
      return state;
    default:
      return assertNever(state);
  }
}

function requireActive(runId: string, state: RunState): ActiveRun {
  const run = requireExisting(runId, state);
  if (isFinished(run)) throw new RunNotActive(runId, run.status);
  return run;
}

function requireFinished(runId: string, state: RunState): FinishedRun {
  const run = requireExisting(runId, state);
  if (!isFinished(run)) throw new RunActive(runId, run.status);
  return run;
}

/** Workers report stages in order; stages may be skipped (a run with nothing to upload), never undone. */
function changeStatus(command: ChangeRunStatus, run: ActiveRun): RunStatusChanged[] {
  if (command.status === run.status) return [];
  if (ACTIVE_RUN_STATUSES.indexOf(command.status) < ACTIVE_RUN_STATUSES.indexOf(run.status)) {
    throw new RunInvalidTransition(command.runId, run.status, command.status);
  }
  return [{ type: 'RunStatusChanged', data: { status: command.status, node: command.node, simulated: command.simulated === true, at: command.now } }];
}

function rate(command: RateRun, run: ActiveRun | FinishedRun): RunRated[] {
  const problem = ratingProblem(command.rating);
  if (problem !== null) throw new InvalidInput([{ field: 'input.rating', problem }]);
  if (run.status !== 'completed') throw new RunNotCompleted(command.runId, run.status);
  if (run.rating === command.rating) return [];
  return [{ type: 'RunRated', data: { rating: command.rating, ratedBy: command.actor, ratedAt: command.now } }];
}

/** Paths already deleted are skipped, so a retried deletion is a no-op; unknown paths are refused. */
function deleteOutputs(command: DeleteRunOutputs, run: FinishedRun): RunOutputsDeleted[] {
  if (command.paths.length === 0) throw new InvalidInput([{ field: 'input.paths', problem: 'name at least one output path' }]);
  const present = new Set(run.outputs.map((output) => output.path));
  const unknown = command.paths.filter((path) => !present.has(path) && !run.deletedOutputPaths.includes(path));
  if (unknown.length > 0) {
    throw new InvalidInput([{ field: 'input.paths', problem: `not outputs of run ${command.runId}: ${unknown.join(', ')}` }]);
  }
  const paths = [...new Set(command.paths.filter((path) => present.has(path)))];
  return paths.length === 0 ? [] : [{ type: 'RunOutputsDeleted', data: { paths, deletedAt: command.now } }];
}

/** Only a run no worker has touched yet may change jobs, and only from the job the batch took over. */
function moveToBatch(command: MoveRunToBatch, state: RunState): RunEvent[] {
  const run = requireExisting(command.runId, state);
  if (!isActive(run)) throw new RunNotMovable(command.runId, run.status, null, `it already ${run.status}`);
  if (run.jobId === command.batchJobId) return [];
  if (run.status !== 'pending') throw new RunNotMovable(command.runId, run.status, run.jobId, `it is ${run.status} under ${run.jobId}`);
  if (run.jobId !== command.fromJobId) {
    throw new RunNotMovable(command.runId, run.status, run.jobId, `it belongs to ${run.jobId}, not ${command.fromJobId}`);
  }
  const { batchJobId, fromJobId } = command;
  return [{ type: 'RunMovedToBatch', data: { batchJobId, fromJobId, by: command.actor, at: command.now } }];
}
