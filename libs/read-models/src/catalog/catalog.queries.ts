/**
 * The query API over the prompts and runs read models, shared by GraphQL and integrity checks.
 * Filters are translated to MongoDB query language (catalog.filters.ts), so both stores answer them alike.
 * Lists are cursor pages (keyset on the sort key + id, so inserts never shift a page).
 */
import { ACTIVE_RUN_STATUSES } from '../../../domain/src/index.js';
import type { DocumentStore } from '../document-store.port.js';
import type { PromptDoc } from '../prompts/prompt.doc.js';
import { promptsProjection } from '../prompts/prompts.projection.js';
import type { RunDoc } from '../runs/run.doc.js';
import { runsProjection } from '../runs/runs.projection.js';
import { PROMPT_SEARCH_FIELDS, promptQuery, runQuery, searchText } from './catalog.filters.js';
import { type KeysetOrder, keysetPage, keysetRequest, sortOf } from './keyset-page.js';
import type { CreatedWithin, Lineage, LineageEdge, Page, PageRequest, PromptFilter, PromptListItem, PromptSort, RunFilter, RunSort, RunStatistics, TextMatch } from './catalog.types.js';
import { textMatches } from './text-match.js';

// Callers name the catalog's shapes by the queries that answer them.
export type { CreatedWithin, PageRequest, Page, TextMatch, PromptFilter, PromptSort, PromptListItem, RunFilter, RunSort, RunStatistics, LineageEdge, Lineage };

export interface CatalogQueries {
  prompt(id: string): Promise<PromptDoc | null>;
  prompts(filter: PromptFilter, sort: PromptSort, page: PageRequest, now: Date): Promise<Page<PromptListItem>>;
  run(id: string): Promise<RunDoc | null>;
  runs(filter: RunFilter, sort: RunSort, page: PageRequest, now: Date): Promise<Page<RunDoc>>;
  /** Every run of a prompt, newest first (no paging: a prompt has few runs). */
  runsOfPrompt(promptId: string): Promise<RunDoc[]>;
  runStatistics(promptId: string): Promise<RunStatistics>;
  /** Upscale runs whose source is this run, newest first. */
  upscalesOf(runId: string): Promise<RunDoc[]>;
  lineage(promptId: string): Promise<Lineage | null>;
}

const PROMPTS = promptsProjection.collection;
const RUNS = runsProjection.collection;

/** Lineage walks stop here in each direction, whatever the data says. */
export const MAX_LINEAGE_DEPTH = 50;

const PROMPT_ORDERS: Record<PromptSort, KeysetOrder> = {
  newest: {
    name: 'newest',
    fields: [
      { field: 'createdAt', direction: -1, type: 'string' },
      { field: 'id', direction: -1, type: 'string' },
    ],
  },
  oldest: {
    name: 'oldest',
    fields: [
      { field: 'createdAt', direction: 1, type: 'string' },
      { field: 'id', direction: 1, type: 'string' },
    ],
  },
  name: {
    name: 'name',
    fields: [
      { field: 'name', direction: 1, type: 'string' },
      { field: 'id', direction: 1, type: 'string' },
    ],
  },
};

const RUN_ORDERS: Record<RunSort, KeysetOrder> = {
  newest: {
    name: 'newest',
    fields: [
      { field: 'requestedAt', direction: -1, type: 'string' },
      { field: 'id', direction: -1, type: 'string' },
    ],
  },
  oldest: {
    name: 'oldest',
    fields: [
      { field: 'requestedAt', direction: 1, type: 'string' },
      { field: 'id', direction: 1, type: 'string' },
    ],
  },
  rating: {
    name: 'rating',
    fields: [
      { field: 'rating', direction: -1, type: 'number', nullable: true },
      { field: 'requestedAt', direction: -1, type: 'string' },
      { field: 'id', direction: -1, type: 'string' },
    ],
  },
};

/** CatalogQueries over any DocumentStore: filters become MongoDB query language, lists keyset pages. */
export class DocumentCatalogQueries implements CatalogQueries {
  constructor(private readonly documents: DocumentStore) {}

  prompt(id: string): Promise<PromptDoc | null> {
    return this.documents.get<PromptDoc>(PROMPTS, id);
  }

  async prompts(filter: PromptFilter, sort: PromptSort, page: PageRequest, now: Date): Promise<Page<PromptListItem>> {
    const order = PROMPT_ORDERS[sort];
    const request = keysetRequest(order, page);
    const found = await keysetPage<PromptDoc>(this.documents, PROMPTS, await promptQuery(this.documents, filter, now), order, request);
    const text = searchText(filter.text);
    return {
      ...found,
      items: found.items.map(({ cursor, node }) => ({
        cursor,
        node: { prompt: node, matches: text === null ? [] : textMatches(node, PROMPT_SEARCH_FIELDS, text) },
      })),
    };
  }

  run(id: string): Promise<RunDoc | null> {
    return this.documents.get<RunDoc>(RUNS, id);
  }

  async runs(filter: RunFilter, sort: RunSort, page: PageRequest, now: Date): Promise<Page<RunDoc>> {
    const order = RUN_ORDERS[sort];
    const request = keysetRequest(order, page);
    return keysetPage<RunDoc>(this.documents, RUNS, await runQuery(this.documents, filter, now), order, request);
  }

  runsOfPrompt(promptId: string): Promise<RunDoc[]> {
    return this.documents.find<RunDoc>(RUNS, { promptId }, { sort: sortOf(RUN_ORDERS.newest) });
  }

  async runStatistics(promptId: string): Promise<RunStatistics> {
    return runStatistics(await this.runsOfPrompt(promptId));
  }

  upscalesOf(runId: string): Promise<RunDoc[]> {
    return this.documents.find<RunDoc>(RUNS, { kind: 'upscale', sourceRunId: runId }, { sort: sortOf(RUN_ORDERS.newest) });
  }

  /**
   * Ancestors by following `enhancedFrom` up; descendants breadth-first, oldest first within a
   * generation. Both stop at a deleted prompt (its document is gone), a cycle, or the depth cap.
   */
  async lineage(promptId: string): Promise<Lineage | null> {
    const prompt = await this.prompt(promptId);
    if (!prompt) return null;
    const seen = new Set([prompt.id]);
    const edges: LineageEdge[] = [];

    const ancestors: PromptDoc[] = [];
    for (let child = prompt; child.enhancedFrom && ancestors.length < MAX_LINEAGE_DEPTH; ) {
      if (seen.has(child.enhancedFrom.promptId)) break;
      const parent = await this.prompt(child.enhancedFrom.promptId);
      if (!parent) break;
      ancestors.push(parent);
      edges.push(edgeTo(child));
      seen.add(parent.id);
      child = parent;
    }

    const descendants: PromptDoc[] = [];
    let frontier = [prompt.id];
    for (let depth = 0; depth < MAX_LINEAGE_DEPTH && frontier.length > 0; depth++) {
      const children = await this.documents.find<PromptDoc>(
        PROMPTS,
        { 'enhancedFrom.promptId': { $in: frontier } },
        { sort: sortOf(PROMPT_ORDERS.oldest) },
      );
      frontier = [];
      for (const child of children) {
        if (seen.has(child.id)) continue;
        seen.add(child.id);
        descendants.push(child);
        edges.push(edgeTo(child));
        frontier.push(child.id);
      }
    }
    return { promptId: prompt.id, ancestors, descendants, edges, textReplacements: prompt.textReplacements };
  }
}

/** The Prompts tab's run summary; ratings count only on completed runs, 1..5 (§4.5). */
export function runStatistics(runs: readonly RunDoc[]): RunStatistics {
  const completed = { inference: 0, upscale: 0, enhance: 0, total: 0 };
  const ratings: number[] = [];
  let activeRuns = 0;
  for (const run of runs) {
    if ((ACTIVE_RUN_STATUSES as readonly string[]).includes(run.status)) activeRuns++;
    if (run.status !== 'completed') continue;
    completed[run.kind]++;
    completed.total++;
    if (typeof run.rating === 'number' && run.rating >= 1 && run.rating <= 5) ratings.push(run.rating);
  }
  const averageRating = ratings.length === 0 ? null : ratings.reduce((sum, rating) => sum + rating, 0) / ratings.length;
  return {
    completed,
    ratedRuns: ratings.length,
    averageRating,
    averageRatingText: averageRatingText(averageRating, ratings.length),
    totalRuns: runs.length,
    activeRuns,
  };
}

/** "4.5/5 (2 runs)", "4.0/5 (1 run)" or "No ratings yet", as the predecessor showed it. */
export function averageRatingText(average: number | null, ratedRuns: number): string {
  if (average === null) return 'No ratings yet';
  return `${average.toFixed(1)}/5 (${ratedRuns} ${ratedRuns === 1 ? 'run' : 'runs'})`;
}

function edgeTo(child: PromptDoc): LineageEdge {
  const from = child.enhancedFrom!;
  return { parentPromptId: from.promptId, childPromptId: child.id, runId: from.runId, model: from.model, at: from.at };
}
