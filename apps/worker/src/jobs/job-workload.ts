import type { LocalFile } from '../../../../libs/domain/src/cosmos/remote-layout.js';
import type { CatalogQueries } from '../../../../libs/read-models/src/catalog/catalog.queries.js';
import type { JobDoc } from '../../../../libs/read-models/src/jobs/job.doc.js';
import type { PromptDoc } from '../../../../libs/read-models/src/prompts/prompt.doc.js';
import type { RunDoc } from '../../../../libs/read-models/src/runs/run.doc.js';

export interface WorkloadRun {
  readonly run: RunDoc;
  readonly prompt: PromptDoc;
}

/** Everything a job's execution reads, gathered before the claim so a claimed job never waits on a read model. */
export interface Workload {
  readonly job: JobDoc;
  /** In the job's run order (a batch's JSONL line order). */
  readonly runs: readonly WorkloadRun[];
}

/**
 * Null while the job's runs or prompts are not readable yet: a request appends the job before its
 * runs, so a worker can see the job a moment early. It is claimed on a later look.
 */
export async function loadWorkload(catalog: CatalogQueries, job: JobDoc): Promise<Workload | null> {
  const runs: WorkloadRun[] = [];
  for (const runId of job.runIds) {
    const run = await catalog.run(runId);
    if (run === null) return null;
    const current = await catalog.prompt(run.promptId);
    if (current === null) return null;
    // The text as queued (jobs queued before it was kept have none: the prompt as it is now).
    const queued = job.promptTexts?.[run.promptId];
    runs.push({ run, prompt: queued === undefined ? current : { ...current, ...queued } });
  }
  return { job, runs };
}

/**
 * The video an upscale run reads: its source run's output video (outputs root), or the input
 * video it names (inputs root). Null when the source run has no video any more.
 */
export async function upscaleSource(catalog: CatalogQueries, run: RunDoc): Promise<LocalFile | null> {
  if (run.sourceVideo !== null) return { root: 'inputs', path: run.sourceVideo };
  if (run.sourceRunId === null) return null;
  const source = await catalog.run(run.sourceRunId);
  const video = source?.outputs.find((file) => file.kind === 'video' && !source.deletedOutputPaths.includes(file.path));
  return video === undefined ? null : { root: 'outputs', path: video.path };
}
