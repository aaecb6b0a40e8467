import type { Logger } from '@nestjs/common';
import { type GpuNodeCommand, gpuNodeDecider, gpuNodeStream, ids } from '../../../../libs/domain/src/index.js';
import type { Clock, EventSourcedCommandHandler } from '../../../../libs/eventstore/src/index.js';
import type { SshConnection } from '../../../../libs/gpu/src/index.js';

type Outcome = 'reachable' | 'unreachable';

/**
 * Records whether a worker can reach its node, on the node's stream, so every process (the api's
 * `/readyz`, a queued job's `waitingFor`) sees a node that is down. The decider appends only
 * changes; the last outcome is remembered here too, so a node that stays up costs no read per pass.
 */
export class NodeContact {
  private last: Outcome | null = null;
  /** Reports go out one at a time, in the order things happened. */
  private reporting: Promise<void> = Promise.resolve();

  constructor(
    private readonly node: string,
    private readonly commands: EventSourcedCommandHandler,
    private readonly clock: Clock,
    private readonly actor: string,
    private readonly logger: Logger,
  ) {}

  /**
   * Reports from the connection's own attempts: the first failed one says the node is down (the
   * connection goes on retrying with backoff), a new session says it is back. Returns the detach.
   */
  follow(connection: SshConnection): () => void {
    const onReady = (): void => void this.reached();
    const onFailed = ({ error }: { error: string }): void => void this.lost(`${this.node}: ${error}`);
    connection.on('ready', onReady);
    connection.on('connectFailed', onFailed);
    return () => {
      connection.off('ready', onReady);
      connection.off('connectFailed', onFailed);
    };
  }

  /** The node's GPUs as the worker found them, for every process to read (a job too big for any node says so). */
  gpusFound(gpus: readonly number[]): Promise<void> {
    const now = this.clock.now().toISOString();
    this.reporting = this.reporting.then(async () => {
      await this.record({ type: 'ReportNodeGpus', node: this.node, gpus, now }, now, "could not record the GPU node's GPUs");
    });
    return this.reporting;
  }

  reached(): Promise<void> {
    return this.report('reachable', null);
  }

  lost(error: string): Promise<void> {
    return this.report('unreachable', error);
  }

  private report(outcome: Outcome, error: string | null): Promise<void> {
    const now = this.clock.now().toISOString();
    this.reporting = this.reporting.then(() => this.append(outcome, error, now));
    return this.reporting;
  }

  private async append(outcome: Outcome, error: string | null, now: string): Promise<void> {
    if (this.last === outcome) return;
    if (await this.record({ type: 'ReportNodeContact', node: this.node, error, now }, now, 'could not record whether the GPU node answers')) this.last = outcome;
  }

  /** False when the store refused: only a report is lost, and the next pass (or start) says it again. */
  private async record(command: GpuNodeCommand, now: string, failed: string): Promise<boolean> {
    try {
      await this.commands.handle(gpuNodeDecider, gpuNodeStream(this.node), command, { commandId: ids.command(), actor: this.actor, now });
      return true;
    } catch (failure) {
      this.logger.warn({ msg: failed, node: this.node, command: command.type, error: (failure as Error).message });
      return false;
    }
  }
}
