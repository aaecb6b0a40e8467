import { Inject, Injectable } from '@nestjs/common';
import { ACTIVE_RUN_STATUSES, assertNever, PromptNotFound, RunNotFound } from '../../../../libs/domain/src/index.js';
import { CLOCK, type Clock } from '../../../../libs/eventstore/src/index.js';
import { type CatalogQueries, everyPrompt, everyRun, type PromptDoc, type RunDoc } from '../../../../libs/read-models/src/index.js';
import { CATALOG_QUERIES } from '../graphql/catalog.provider.js';

export type DeletionTarget =
  | { readonly kind: 'prompt'; readonly promptId: string }
  | { readonly kind: 'run'; readonly runId: string }
  | { readonly kind: 'allPrompts' }
  | { readonly kind: 'allRuns' };

export interface PlannedPrompt {
  readonly prompt: PromptDoc;
  /** Every run of the prompt: they are deleted with it. */
  readonly runs: readonly RunDoc[];
}

/** What a deletion covers, as the catalog shows it now. */
export interface DeletionPlan {
  readonly prompts: readonly PlannedPrompt[];
  /** Runs deleted on their own; their prompts stay. */
  readonly runs: readonly RunDoc[];
}

/** Reads the prompts and runs a deletion target covers; the same plan serves previews and deletions. */
@Injectable()
export class DeletionPlanner {
  constructor(
    @Inject(CATALOG_QUERIES) private readonly catalog: CatalogQueries,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async plan(target: DeletionTarget): Promise<DeletionPlan> {
    switch (target.kind) {
      case 'prompt':
        return { prompts: [await this.prompt(target.promptId)], runs: [] };
      case 'run': {
        const run = await this.catalog.run(target.runId);
        if (!run) throw new RunNotFound(target.runId);
        return { prompts: [], runs: [run] };
      }
      case 'allPrompts': {
        const now = this.clock.now();
        const [prompts, runs] = await Promise.all([everyPrompt(this.catalog, now), everyRun(this.catalog, now)]);
        const runsByPrompt = new Map<string, RunDoc[]>();
        for (const run of runs) {
          const group = runsByPrompt.get(run.promptId);
          if (group) group.push(run);
          else runsByPrompt.set(run.promptId, [run]);
        }
        return { prompts: prompts.map((prompt) => ({ prompt, runs: runsByPrompt.get(prompt.id) ?? [] })), runs: [] };
      }
      case 'allRuns':
        return { prompts: [], runs: await everyRun(this.catalog, this.clock.now()) };
      default:
        return assertNever(target);
    }
  }

  async prompt(promptId: string): Promise<PlannedPrompt> {
    const prompt = await this.catalog.prompt(promptId);
    if (!prompt) throw new PromptNotFound(promptId);
    return { prompt, runs: await this.catalog.runsOfPrompt(promptId) };
  }
}

export function plannedRuns(plan: DeletionPlan): RunDoc[] {
  return [...plan.prompts.flatMap((planned) => planned.runs), ...plan.runs];
}

/** Pending, uploading, running or downloading: such a run blocks its own deletion and its prompt's. */
export function isActiveRun(run: RunDoc): boolean {
  return (ACTIVE_RUN_STATUSES as readonly string[]).includes(run.status);
}

export function activeRunIds(runs: readonly RunDoc[]): string[] {
  return runs.filter(isActiveRun).map((run) => run.id);
}
