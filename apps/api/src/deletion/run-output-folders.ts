import { Inject, Injectable, Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { COSMOS_CONFIG, type CosmosConfig } from '../../../../libs/config/src/index.js';
import { RUN_ID } from '../../../../libs/domain/src/index.js';
import { type DeletedRunFolder, deleteRunFolder, listRunFiles, type OutputFile, OutputFolderError } from '../../../../libs/media/src/index.js';

const REMOVE_ATTEMPTS = 3;
const NOTHING_DELETED: DeletedRunFolder = { deletedFiles: 0, deletedBytes: 0 };

/**
 * The `run_<id>` folders under the configured outputs root, as deletion sees them. A folder we
 * refuse to touch (a symlink or a file named like one) has no files to preview and is never removed.
 */
@Injectable()
export class RunOutputFolders {
  private readonly logger = new Logger(RunOutputFolders.name);
  readonly root: string;

  constructor(@Inject(COSMOS_CONFIG) config: CosmosConfig) {
    this.root = config.paths.outputsRoot;
  }

  /** Every file in these runs' folders. */
  async files(runIds: readonly string[]): Promise<OutputFile[]> {
    const files: OutputFile[] = [];
    // One folder at a time: thousands of runs listed at once would exhaust file descriptors.
    for (const runId of runIds) {
      if (!RUN_ID.test(runId)) continue;
      files.push(...(await listRunFiles(this.root, runId).catch(refused([]))));
    }
    return files;
  }

  /**
   * Removes a run's folder after its RunDeleted event is stored. The event stands whatever happens
   * here, so a failure is retried (removal is idempotent) and then logged, not thrown: the folder
   * stays and verifyIntegrity reports it as the kept outputs of a deleted run.
   */
  async remove(runId: string): Promise<DeletedRunFolder> {
    if (!RUN_ID.test(runId)) return NOTHING_DELETED;
    for (let attempt = 1; ; attempt++) {
      try {
        return await deleteRunFolder(this.root, runId);
      } catch (error) {
        if (error instanceof OutputFolderError || attempt >= REMOVE_ATTEMPTS) {
          this.logger.warn({ msg: 'could not delete a run output folder; it stays on disk', runId, error: String(error) });
          return NOTHING_DELETED;
        }
        await sleep(50 * attempt);
      }
    }
  }
}

function refused<T>(fallback: T): (error: unknown) => T {
  return (error) => {
    if (error instanceof OutputFolderError) return fallback;
    throw error;
  };
}
