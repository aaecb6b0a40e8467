import { Inject } from '@nestjs/common';
import { Args, ID, Int, Resolver, Subscription } from '@nestjs/graphql';
import { join } from 'node:path';
import { COSMOS_CONFIG, type CosmosConfig } from '../../../../libs/config/src/index.js';
import { FINISHED_RUN_STATUSES, InvalidInput, RunNotFound } from '../../../../libs/domain/src/index.js';
import { DOCUMENT_STORE, type DocumentStore, type DocumentWatch, type RunDoc, runsProjection } from '../../../../libs/read-models/src/index.js';
import { stoppable } from '../graphql/stoppable-stream.js';
import { followLog } from './run-log.follower.js';
import { RunLogLine } from './run-log.model.js';

/**
 * Streams a run's execution log from the outputs folder, which the worker writes to (possibly
 * from another process): the file, not an in-process feed, is what both sides share.
 */
@Resolver()
export class RunLogResolver {
  private readonly outputsRoot: string;

  constructor(
    @Inject(DOCUMENT_STORE) private readonly documents: DocumentStore,
    @Inject(COSMOS_CONFIG) config: CosmosConfig,
  ) {
    this.outputsRoot = config.paths.outputsRoot;
  }

  @Subscription(() => RunLogLine, {
    description:
      "The run's container log line by line: the lines already written (backlog), then each new one; completes once the run has finished and the whole log was sent.",
    resolve: (line: RunLogLine) => line,
  })
  async runLog(
    @Args('runId', { type: () => ID }) runId: string,
    @Args('afterLine', { type: () => Int, nullable: true, description: 'Resume a dropped subscription: only lines numbered above this one come.' })
    afterLine?: number | null,
  ): Promise<AsyncIterableIterator<RunLogLine>> {
    if (afterLine != null && !(Number.isSafeInteger(afterLine) && afterLine >= 0)) {
      throw new InvalidInput([{ field: 'afterLine', problem: `must be a whole number ≥ 0 (got ${afterLine})` }]);
    }
    const run = await this.documents.get<RunDoc>(runsProjection.collection, runId);
    if (run === null) throw new RunNotFound(runId);
    // The read model's logPath is the worker's `run_<id>/execution.log`, the file `Run.logUrl` serves.
    const path = join(this.outputsRoot, run.logPath);
    return stoppable((signal) => this.lines(runId, path, afterLine ?? 0, signal));
  }

  private async *lines(runId: string, path: string, afterLine: number, signal: AbortSignal): AsyncGenerator<RunLogLine> {
    const watch = this.documents.watch<RunDoc>(runsProjection.collection);
    try {
      for await (const line of followLog(path, { writerDone: this.runEnds(runId, watch), signal })) {
        // Line numbers count from the file's start, so skipping keeps them the same on a resume.
        if (line.lineNumber > afterLine) yield Object.assign(new RunLogLine(), { runId, ...line });
      }
    } finally {
      await watch.close();
    }
  }

  /**
   * Settles once the read model has the run finished or deleted. The worker closes a run's log
   * before it reports the run's end (a cancel too: the container is killed and its log drained
   * first), so the file is then whole. Only the kill switch records KILLED before the container
   * dies, and lines its last moments write may come too late to be sent. The run is read after
   * the watch began, so an end in between is not missed.
   */
  private async runEnds(runId: string, watch: DocumentWatch<RunDoc>): Promise<void> {
    const ended = async () => isOver(await this.documents.get<RunDoc>(runsProjection.collection, runId));
    if (await ended()) return;
    for await (const change of watch) {
      if (change.operation === 'reset') {
        // A rebuild switched over and names no document: read the run again.
        if (await ended()) return;
      } else if (change.id === runId && (change.operation === 'delete' || isOver(change.doc))) {
        return;
      }
    }
  }
}

function isOver(run: RunDoc | null): boolean {
  return run === null || (FINISHED_RUN_STATUSES as readonly string[]).includes(run.status);
}
