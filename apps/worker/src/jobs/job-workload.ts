import { type JobQueued, type JobWork, jobWorkOf, type RunWork } from '../../../../libs/domain/src/index.js';
import { asQueuedPrompt, type CatalogQueries, resolveUpscaleSource } from '../../../../libs/read-models/src/index.js';

/**
 * What a job's execution needs, from its JobQueued. A job queued before v3 kept less: its runs and
 * prompts are read from the catalog (texts as v2 kept them), and it is null while the catalog does
 * not show them, to be claimed on a later look.
 */
export async function workloadOf(queued: JobQueued['data'], catalog: CatalogQueries): Promise<JobWork | null> {
  return jobWorkOf(queued) ?? legacyWorkload(queued, catalog);
}

async function legacyWorkload(queued: JobQueued['data'], catalog: CatalogQueries): Promise<JobWork | null> {
  const runs: RunWork[] = [];
  let upscale: JobWork['upscale'] = null;
  for (const runId of queued.runIds) {
    const run = await catalog.run(runId);
    if (run === null) return null;
    const current = await catalog.prompt(run.promptId);
    if (current === null) return null;
    const asQueued = queued.promptTexts?.[run.promptId] ?? {};
    const { kind, modelType, config, promptId } = run;
    runs.push({ runId, promptId, kind, modelType, config, prompt: { ...asQueuedPrompt(current), ...asQueued, id: promptId } });
    if (queued.kind === 'upscale') upscale = await resolveUpscaleSource(catalog, run);
  }
  return { jobId: queued.jobId, kind: queued.kind, runs, upscale, queuedBy: queued.queuedBy };
}
