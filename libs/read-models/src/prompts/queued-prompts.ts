import { PromptNotFound, type QueuedPrompt } from '../../../domain/src/index.js';
import type { CatalogQueries } from '../catalog/catalog.queries.js';
import { asQueuedPrompt } from './prompt.doc.js';

/**
 * The prompts a job is queued with, by id: as the caller already holds them (a request's checks,
 * a source job's JobQueued), else read from the catalog once each. PromptNotFound for one gone.
 */
export async function queuedPrompts(catalog: CatalogQueries, wanted: readonly { readonly promptId: string; readonly known?: QueuedPrompt }[]): Promise<Record<string, QueuedPrompt>> {
  const prompts: Record<string, QueuedPrompt> = {};
  for (const { promptId, known } of wanted) {
    if (prompts[promptId] !== undefined) continue;
    if (known !== undefined) {
      prompts[promptId] = known;
      continue;
    }
    const doc = await catalog.prompt(promptId);
    if (doc === null) throw new PromptNotFound(promptId);
    prompts[promptId] = asQueuedPrompt(doc);
  }
  return prompts;
}
