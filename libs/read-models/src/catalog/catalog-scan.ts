import type { CatalogQueries, Page, RunFilter } from './catalog.queries.js';
import type { PromptDoc } from '../prompts/prompt.doc.js';
import type { RunDoc } from '../runs/run.doc.js';

/** The catalog's largest page. */
const PAGE_SIZE = 200;

/**
 * Every prompt the catalog holds, oldest first. Bulk deletion and integrity checks cover all of
 * them: the predecessor looked at the newest 50 (or 1000) and silently ignored the rest.
 */
export function everyPrompt(catalog: CatalogQueries, now: Date): Promise<PromptDoc[]> {
  return drain(async (after) => {
    const page = await catalog.prompts({}, 'oldest', { first: PAGE_SIZE, after }, now);
    return { ...page, items: page.items.map(({ cursor, node }) => ({ cursor, node: node.prompt })) };
  });
}

/** Every run matching `filter`, oldest first. */
export function everyRun(catalog: CatalogQueries, now: Date, filter: RunFilter = {}): Promise<RunDoc[]> {
  return drain((after) => catalog.runs(filter, 'oldest', { first: PAGE_SIZE, after }, now));
}

/** Keyset pages, so prompts or runs created meanwhile never shift or repeat what was read. */
async function drain<T>(fetch: (after: string | null) => Promise<Page<T>>): Promise<T[]> {
  const items: T[] = [];
  for (let after: string | null = null; ; ) {
    const page: Page<T> = await fetch(after);
    items.push(...page.items.map((item) => item.node));
    if (!page.hasNextPage || page.endCursor === null) return items;
    after = page.endCursor;
  }
}
