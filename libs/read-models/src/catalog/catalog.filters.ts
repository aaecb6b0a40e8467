import { assertNever, InvalidInput } from '../../../domain/src/index.js';
import type { DocumentStore, Filter } from '../document-store.port.js';
import type { PromptDoc } from '../prompts/prompt.doc.js';
import { promptsProjection } from '../prompts/prompts.projection.js';
import type { RunDoc } from '../runs/run.doc.js';
import { runsProjection } from '../runs/runs.projection.js';
import type { CreatedWithin, PromptFilter, RunFilter, TextMatch } from './catalog.types.js';
import { contains } from './text-match.js';

const DAY_MS = 86_400_000;

/** What a prompt text search looks at, in the order its matches are reported. */
export const PROMPT_SEARCH_FIELDS: readonly TextMatch['field'][] = ['id', 'name', 'text'];

/** An empty search is no search (an empty pattern would match everything, at every offset). */
export function searchText(text: string | null | undefined): string | null {
  return text === null || text === undefined || text === '' ? null : text;
}

/**
 * A creation-time range in UTC calendar days for today/yesterday (the Runs tab's meaning) and in
 * rolling days otherwise, as ISO bounds: `from` inclusive, `before` exclusive.
 */
export function createdWithinBounds(within: CreatedWithin, now: Date): { from?: string; before?: string } {
  const startOfToday = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const daysAgo = (days: number) => new Date(now.getTime() - days * DAY_MS).toISOString();
  switch (within) {
    case 'today':
      return { from: new Date(startOfToday).toISOString() };
    case 'yesterday':
      return { from: new Date(startOfToday - DAY_MS).toISOString(), before: new Date(startOfToday).toISOString() };
    case 'last_7_days':
      return { from: daysAgo(7) };
    case 'last_30_days':
      return { from: daysAgo(30) };
    case 'older_than_30_days':
      return { before: daysAgo(30) };
    default:
      return assertNever(within);
  }
}

/** The same range as a filter. Stored times are `toISOString()` strings, so they compare as text. */
export function createdWithinRange(within: CreatedWithin, now: Date): Filter {
  const { from, before } = createdWithinBounds(within, now);
  return { ...(from === undefined ? {} : { $gte: from }), ...(before === undefined ? {} : { $lt: before }) };
}

export async function promptQuery(documents: DocumentStore, filter: PromptFilter, now: Date): Promise<Filter> {
  const all: Filter[] = [];
  if (filter.modelType) all.push({ modelType: filter.modelType });
  if (filter.enhanced !== null && filter.enhanced !== undefined) all.push({ enhanced: filter.enhanced });
  if (filter.createdWithin) all.push({ createdAt: createdWithinRange(filter.createdWithin, now) });
  if (filter.ids) all.push({ id: { $in: [...filter.ids] } });
  const text = searchText(filter.text);
  if (text !== null) all.push({ $or: PROMPT_SEARCH_FIELDS.map((field) => contains(field, text)) });
  if (filter.runs === 'some' || filter.runs === 'none') {
    const withRuns = await promptIdsWithRuns(documents);
    all.push({ id: filter.runs === 'some' ? { $in: withRuns } : { $nin: withRuns } });
  }
  return allOf(all);
}

export async function runQuery(documents: DocumentStore, filter: RunFilter, now: Date): Promise<Filter> {
  const all: Filter[] = [];
  if (filter.statuses) all.push({ status: { $in: [...filter.statuses] } });
  if (filter.kinds) all.push({ kind: { $in: [...filter.kinds] } });
  if (filter.modelTypes) all.push({ modelType: { $in: [...filter.modelTypes] } });
  if (filter.promptIds) all.push({ promptId: { $in: [...filter.promptIds] } });
  const rating = filter.rating;
  if (rating?.exactly !== null && rating?.exactly !== undefined) all.push({ rating: rating.exactly });
  if (rating?.atLeast !== null && rating?.atLeast !== undefined) all.push({ rating: { $gte: rating.atLeast } });
  if (rating?.unrated !== null && rating?.unrated !== undefined) all.push({ rating: rating.unrated ? null : { $ne: null } });
  if (filter.createdWithin) all.push({ requestedAt: createdWithinRange(filter.createdWithin, now) });
  // Inclusive after, exclusive before: adjacent ranges neither overlap nor leave a gap.
  if (filter.createdAfter) all.push({ requestedAt: { $gte: isoTime(filter.createdAfter, 'filter.createdAfter') } });
  if (filter.createdBefore) all.push({ requestedAt: { $lt: isoTime(filter.createdBefore, 'filter.createdBefore') } });

  // Joins last, once the cheap checks above have accepted the input.
  if (filter.upscaled !== null && filter.upscaled !== undefined) {
    const upscaled = await upscaledRunIds(documents);
    all.push({ id: filter.upscaled ? { $in: upscaled } : { $nin: upscaled } });
  }
  const text = searchText(filter.text);
  if (text !== null) {
    const prompts = await documents.find<PromptDoc>(promptsProjection.collection, contains('text', text));
    all.push({ $or: [contains('id', text), { promptId: { $in: prompts.map((prompt) => prompt.id) } }] });
  }
  return allOf(all);
}

/**
 * Query-time joins: neither read model denormalises the other, so a prompt's runs or a run's
 * upscales never go stale. The port has no projection or distinct, so whole documents come back.
 */
async function promptIdsWithRuns(documents: DocumentStore): Promise<string[]> {
  const runs = await documents.find<RunDoc>(runsProjection.collection);
  return [...new Set(runs.map((run) => run.promptId))];
}

async function upscaledRunIds(documents: DocumentStore): Promise<string[]> {
  const upscales = await documents.find<RunDoc>(runsProjection.collection, { kind: 'upscale', status: 'completed', sourceRunId: { $ne: null } });
  return [...new Set(upscales.map((run) => run.sourceRunId!))];
}

/** Stored times are `toISOString()` text; user input is normalised to it so they compare as text. */
function isoTime(value: string, field: string): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new InvalidInput([{ field, problem: `must be an ISO 8601 date-time (got ${JSON.stringify(value)})` }]);
  return new Date(ms).toISOString();
}

function allOf(conditions: Filter[]): Filter {
  if (conditions.length === 0) return {};
  return conditions.length === 1 ? conditions[0] : { $and: conditions };
}
