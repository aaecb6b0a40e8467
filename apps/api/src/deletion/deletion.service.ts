import { Inject, Injectable } from '@nestjs/common';
import { type DeleteRun, DomainError, promptDecider, promptDeletionPlan, PromptHasActiveRuns, promptStream, RevisionConflict, RUN_DELETION_REFUSALS, runDecider, runStream } from '../../../../libs/domain/src/index.js';
import { EVENT_STORE, type EventStore, lastEvent } from '../../../../libs/eventstore/src/index.js';
import type { DeletedRunFolder } from '../../../../libs/media/src/index.js';
import { promptsProjection, runsProjection } from '../../../../libs/read-models/src/index.js';
import type { CommandAccepted } from '../graphql/command-accepted.model.js';
import { CommandIssuer } from '../graphql/command.issuer.js';
import type { RequestContext } from '../graphql/request-context.js';
import { DeletionPlanner, isActiveRun, type PlannedPrompt } from './deletion.planner.js';
import { RunOutputFolders } from './run-output-folders.js';

export interface PromptDeletion extends DeletedRunFolder {
  readonly accepted: CommandAccepted;
  readonly promptId: string;
  readonly runIds: readonly string[];
}

export interface RunDeletion extends DeletedRunFolder {
  readonly accepted: CommandAccepted;
  readonly runId: string;
}

export interface BulkDeletion extends DeletedRunFolder {
  readonly promptIds: readonly string[];
  readonly runIds: readonly string[];
  /** What a rule kept (active runs, or a change that raced the deletion), with the rule's message. */
  readonly skipped: readonly { readonly id: string; readonly reason: string }[];
}

/**
 * Deletions as commands: RunDeleted for every run, then PromptDeleted, each decided by its
 * aggregate. Events first, files after: a folder is removed only once its run's deletion is
 * stored, so a crash leaves files of a deleted run at worst (removal is idempotent), never a run
 * whose files are gone. Output files are kept unless the caller asks for them to go.
 */
@Injectable()
export class DeletionService {
  constructor(
    private readonly planner: DeletionPlanner,
    private readonly folders: RunOutputFolders,
    private readonly commands: CommandIssuer,
    @Inject(EVENT_STORE) private readonly events: EventStore,
  ) {}

  async deletePrompt(
    promptId: string,
    options: { deleteOutputs: boolean; expectedRevision?: number | null },
    request: RequestContext,
  ): Promise<PromptDeletion> {
    return this.deletePlanned(await this.planner.prompt(promptId), options, request);
  }

  /** The run aggregate refuses an active run (RUN_ACTIVE) and an unknown or deleted one (NOT_FOUND). */
  async deleteRun(runId: string, deleteOutputs: boolean, request: RequestContext): Promise<RunDeletion> {
    const accepted = await this.issueDeleteRun(runId, deleteOutputs, request);
    const files = deleteOutputs ? await this.folders.remove(runId) : NOTHING;
    return { accepted, runId, ...files };
  }

  /** Each prompt goes as deletePrompt would take it; prompts a rule keeps are listed, not fatal. */
  async deleteAllPrompts(deleteOutputs: boolean, request: RequestContext): Promise<BulkDeletion> {
    const plan = await this.planner.plan({ kind: 'allPrompts' });
    const bulk = new BulkTally();
    for (const planned of plan.prompts) {
      await bulk.attempt(planned.prompt.id, async () => {
        const deleted = await this.deletePlanned(planned, { deleteOutputs }, request);
        bulk.add(deleted, [deleted.promptId], deleted.runIds);
      });
    }
    return bulk.result();
  }

  /** Every run, prompts stay; active runs are refused by their aggregate and listed. */
  async deleteAllRuns(deleteOutputs: boolean, request: RequestContext): Promise<BulkDeletion> {
    const plan = await this.planner.plan({ kind: 'allRuns' });
    const bulk = new BulkTally();
    for (const run of plan.runs) {
      await bulk.attempt(run.id, async () => {
        const deleted = await this.deleteRun(run.id, deleteOutputs, request);
        bulk.add(deleted, [], [deleted.runId]);
      });
    }
    return bulk.result();
  }

  /** The steps promptDeletionPlan (libs/domain) lays out; a refused run deletion means what RUN_DELETION_REFUSALS says. */
  private async deletePlanned(
    { prompt, runs }: PlannedPrompt,
    options: { deleteOutputs: boolean; expectedRevision?: number | null },
    request: RequestContext,
  ): Promise<PromptDeletion> {
    const steps = promptDeletionPlan({
      promptId: prompt.id,
      runs: runs.map((run) => ({ runId: run.id, active: isActiveRun(run) })),
      deleteOutputs: options.deleteOutputs,
      now: this.commands.now(),
      actor: request.actor,
    });
    let files = NOTHING;
    // Checked before any run is deleted, so a stale revision changes nothing.
    if (options.expectedRevision != null && steps.some((step) => step.type === 'DeleteRun')) await this.requireRevision(promptStream(prompt.id), options.expectedRevision);
    for (const step of steps) {
      if (step.type === 'DeleteRun') {
        await this.deleteRunOfPrompt(prompt.id, step.command, request);
        if (step.removeOutputs) files = sum(files, await this.folders.remove(step.command.runId));
        continue;
      }
      const accepted = await this.commands.issue(promptDecider, step.command, request, {
        streamId: promptStream(prompt.id),
        expectedRevision: options.expectedRevision,
        readModels: [promptsProjection.name],
      });
      return { accepted, promptId: prompt.id, runIds: step.command.runIds, ...files };
    }
    throw new Error(`the deletion plan of prompt ${prompt.id} ends without deleting it`);
  }

  private async deleteRunOfPrompt(promptId: string, command: DeleteRun, request: RequestContext): Promise<void> {
    try {
      await this.commands.issue(runDecider, command, request, { streamId: runStream(command.runId), readModels: [runsProjection.name] });
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      const meaning = RUN_DELETION_REFUSALS[error.code as keyof typeof RUN_DELETION_REFUSALS];
      if (meaning === 'keep_prompt') throw new PromptHasActiveRuns(promptId, [command.runId]);
      if (meaning !== 'go_on') throw error;
    }
  }

  private issueDeleteRun(runId: string, deleteOutputs: boolean, request: RequestContext): Promise<CommandAccepted> {
    const command = { type: 'DeleteRun' as const, runId, deleteOutputs, now: this.commands.now(), actor: request.actor };
    return this.commands.issue(runDecider, command, request, { streamId: runStream(runId), readModels: [runsProjection.name] });
  }

  /**
   * Checked before any run is deleted, so a stale revision changes nothing. DeletePrompt checks it
   * again when it is appended; this only keeps the runs from going first.
   */
  private async requireRevision(streamId: string, expectedRevision: number): Promise<void> {
    const last = await lastEvent(this.events, streamId);
    const actual = last?.revision ?? -1;
    if (actual !== expectedRevision) throw new RevisionConflict(streamId, expectedRevision, actual);
  }
}

const NOTHING: DeletedRunFolder = { deletedFiles: 0, deletedBytes: 0 };

function sum(a: DeletedRunFolder, b: DeletedRunFolder): DeletedRunFolder {
  return { deletedFiles: a.deletedFiles + b.deletedFiles, deletedBytes: a.deletedBytes + b.deletedBytes };
}

/** What a bulk deletion did so far. */
class BulkTally {
  private readonly promptIds: string[] = [];
  private readonly runIds: string[] = [];
  private readonly skipped: { id: string; reason: string }[] = [];
  private files = NOTHING;

  /** A rule refusing one item (it is active, or changed meanwhile) skips it; faults still end the whole. */
  async attempt(id: string, deletion: () => Promise<void>): Promise<void> {
    try {
      await deletion();
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      this.skipped.push({ id, reason: error.message });
    }
  }

  add(files: DeletedRunFolder, promptIds: readonly string[], runIds: readonly string[]): void {
    this.files = sum(this.files, files);
    this.promptIds.push(...promptIds);
    this.runIds.push(...runIds);
  }

  result(): BulkDeletion {
    return { promptIds: this.promptIds, runIds: this.runIds, skipped: this.skipped, ...this.files };
  }
}
