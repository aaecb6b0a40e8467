/** The shapes of the catalog's questions and answers, apart from the queries that use them. */
import type { ModelType, RunKind, RunStatus } from '../../../domain/src/index.js';
import type { PromptDoc } from '../prompts/prompt.doc.js';

export type CreatedWithin = 'today' | 'yesterday' | 'last_7_days' | 'last_30_days' | 'older_than_30_days';

export interface PageRequest {
  /** 1..200, default 20. */
  readonly first?: number;
  /** An opaque cursor from a previous page's `endCursor`. */
  readonly after?: string | null;
}

export interface Page<T> {
  readonly items: readonly { readonly cursor: string; readonly node: T }[];
  readonly totalCount: number;
  readonly hasNextPage: boolean;
  readonly endCursor: string | null;
}

export interface TextMatch {
  readonly field: 'id' | 'name' | 'text';
  /** UTF-16 offsets into that field, end exclusive. */
  readonly start: number;
  readonly end: number;
}

export interface PromptFilter {
  readonly modelType?: ModelType | null;
  readonly enhanced?: boolean | null;
  readonly runs?: 'all' | 'none' | 'some' | null;
  readonly createdWithin?: CreatedWithin | null;
  /** Case-insensitive substring over id, name and text. */
  readonly text?: string | null;
  readonly ids?: readonly string[] | null;
}

export type PromptSort = 'newest' | 'oldest' | 'name';

export interface PromptListItem {
  readonly prompt: PromptDoc;
  /** Where `filter.text` matched (empty without a text filter). */
  readonly matches: readonly TextMatch[];
}

export interface RunFilter {
  readonly statuses?: readonly RunStatus[] | null;
  readonly kinds?: readonly RunKind[] | null;
  readonly modelTypes?: readonly ModelType[] | null;
  readonly promptIds?: readonly string[] | null;
  /** exactly: that rating; atLeast: that rating or more; unrated: no rating. */
  readonly rating?: { readonly exactly?: number | null; readonly atLeast?: number | null; readonly unrated?: boolean | null } | null;
  readonly createdWithin?: CreatedWithin | null;
  readonly createdAfter?: string | null;
  readonly createdBefore?: string | null;
  /** true: has a completed upscale; false: has none. */
  readonly upscaled?: boolean | null;
  /** Case-insensitive substring over the run id and its prompt's text. */
  readonly text?: string | null;
}

export type RunSort = 'newest' | 'oldest' | 'rating';

export interface RunStatistics {
  /** Completed runs by kind. */
  readonly completed: { readonly inference: number; readonly upscale: number; readonly enhance: number; readonly total: number };
  readonly ratedRuns: number;
  /** Mean rating of completed, rated runs (null: none rated). */
  readonly averageRating: number | null;
  /** "4.5/5 (2 runs)" or "No ratings yet". */
  readonly averageRatingText: string;
  readonly totalRuns: number;
  readonly activeRuns: number;
}

export interface LineageEdge {
  readonly parentPromptId: string;
  readonly childPromptId: string;
  readonly runId: string;
  readonly model: string;
  readonly at: string;
}

export interface Lineage {
  readonly promptId: string;
  /** Nearest first. */
  readonly ancestors: readonly PromptDoc[];
  readonly descendants: readonly PromptDoc[];
  readonly edges: readonly LineageEdge[];
  /** OVERWRITE enhancements of the prompt itself. */
  readonly textReplacements: PromptDoc['textReplacements'];
}
