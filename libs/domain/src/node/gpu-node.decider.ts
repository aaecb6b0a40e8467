import { assertNever } from '../shared/assert-never.js';
import type { Decider } from '../shared/decider.js';
import type { GpuNodeEvent } from './gpu-node.events.js';

/** What a worker found when it last tried the node. */
export interface ReportNodeContact {
  readonly type: 'ReportNodeContact';
  readonly node: string;
  /** Null: the node answered. Otherwise why it did not. */
  readonly error: string | null;
  readonly now: string;
}

/** What a worker found the node's GPUs to be (gpuPool), when it first reached it. */
export interface ReportNodeGpus {
  readonly type: 'ReportNodeGpus';
  readonly node: string;
  readonly gpus: readonly number[];
  readonly now: string;
}

export type GpuNodeCommand = ReportNodeContact | ReportNodeGpus;

/** Whether the node answers, and (once a worker found them) the GPUs it shares out. */
export type GpuNodeState = (
  | { readonly status: 'Unknown' }
  | { readonly status: 'Reachable'; readonly since: string }
  | { readonly status: 'Unreachable'; readonly since: string; readonly error: string }
) & { readonly gpus?: readonly number[] };

/**
 * Records only changes: a worker reports every contact, and a node that stays down (or up) adds
 * nothing to the log however often it is tried. A changed error while down is not a change either:
 * the first reason and the time it went away are what an operator needs.
 */
export const gpuNodeDecider: Decider<GpuNodeCommand, GpuNodeEvent, GpuNodeState> = {
  name: 'gpu-node',
  initialState: { status: 'Unknown' },

  decide(command, state) {
    if (command.type === 'ReportNodeGpus') {
      if (state.gpus !== undefined && state.gpus.join(',') === command.gpus.join(',')) return [];
      return [{ type: 'GpuNodeGpusFound', data: { node: command.node, gpus: [...command.gpus], at: command.now } }];
    }
    if (command.error === null) {
      if (state.status === 'Reachable') return [];
      const downSince = state.status === 'Unreachable' ? state.since : null;
      return [{ type: 'GpuNodeReachable', data: { node: command.node, since: command.now, downSince } }];
    }
    if (state.status === 'Unreachable') return [];
    return [{ type: 'GpuNodeUnreachable', data: { node: command.node, error: command.error, since: command.now } }];
  },

  evolve(state, event) {
    const gpus = state.gpus === undefined ? {} : { gpus: state.gpus };
    switch (event.type) {
      case 'GpuNodeReachable':
        return { status: 'Reachable', since: event.data.since, ...gpus };
      case 'GpuNodeUnreachable':
        return { status: 'Unreachable', since: event.data.since, error: event.data.error, ...gpus };
      case 'GpuNodeGpusFound':
        return { ...state, gpus: event.data.gpus };
      default:
        return assertNever(event);
    }
  },
};
