import { CONTROL_KEYS, type ControlKey, type InferenceConfig, resolveInferenceConfig } from '../cosmos/inference-config.js';
import { activeControls } from '../cosmos/run-inputs.js';
import { executionSettings } from '../cosmos/transfer-command.js';
import type { JobKind } from '../job/job.events.js';
import { assertNever } from '../shared/assert-never.js';
import { type FieldProblem, InvalidInput } from '../shared/domain-error.js';

/**
 * `strict` merges only jobs with the same set of active controls. `mixed` also merges different
 * sets: every line of the batch then carries every control of the union, at weight 0 where its
 * own run has it off, so a batch may run controls that some of its runs do not use.
 */
export const BATCHING_MODES = ['strict', 'mixed'] as const;
export type BatchingMode = (typeof BATCHING_MODES)[number];

export const DEFAULT_MAX_RUNS_PER_BATCH = 16;
/** One model process serves the whole batch and a crash of one line can fail the others (cosmos-transfer1.md §3): the bound caps that blast radius. */
export const MAX_RUNS_PER_BATCH_LIMIT = 64;

export interface BatchCandidateRun {
  readonly runId: string;
  readonly promptId: string;
  readonly config: InferenceConfig;
  readonly negativePrompt: string;
}

export interface BatchCandidate {
  readonly jobId: string;
  /** Only inference and batch_inference jobs run transfer.py, so only they can share its invocation. */
  readonly kind: JobKind;
  readonly priority: number;
  /** GPUs it asked for (null: queued before GPU slots); only jobs asking alike share a batch. */
  readonly numGpus: number | null;
  readonly queuedAt: string;
  readonly cancelRequested: boolean;
  /** In the job's run order. */
  readonly runs: readonly BatchCandidateRun[];
}

export interface PlannedBatch {
  /** In queue order. */
  readonly sourceJobIds: readonly string[];
  /** The sources' runs, job by job, each job's runs in its order. */
  readonly runIds: readonly string[];
  /** Parallel to runIds. */
  readonly promptIds: readonly string[];
  /** Parallel to runIds: each run keeps its own weights, only the plain args are shared. */
  readonly configs: readonly InferenceConfig[];
  /** Union of the runs' active controls, in CONTROL_KEYS order. */
  readonly controls: readonly ControlKey[];
  readonly priority: number;
  /** The earliest source's: the batch keeps the first job's place in the queue. */
  readonly queuedAt: string;
}

export interface BatchPlan {
  readonly mode: BatchingMode;
  readonly maxRunsPerBatch: number;
  readonly batches: readonly PlannedBatch[];
  readonly jobsMerged: number;
  readonly runsBatched: number;
  /** One container per job before, one per batch after. */
  readonly containersSaved: number;
}

const BATCHABLE_KINDS: readonly JobKind[] = ['inference', 'batch_inference'];

/** A job that may be merged, with its configs as the batch builder will resolve them. */
interface Batchable {
  readonly job: BatchCandidate;
  readonly configs: readonly InferenceConfig[];
}

/**
 * Proposes merging compatible queued jobs, given in queue order (priority desc, then FIFO), into
 * batches: one model load per batch instead of one per job. It only proposes; jobs not named in
 * any batch stay as they are.
 */
export function planBatches(candidates: readonly BatchCandidate[], options: { mode: BatchingMode; maxRunsPerBatch: number }): BatchPlan {
  const problems = batchingOptionProblems(options);
  // A limit of NaN would pass every size comparison and pack the whole queue into one batch.
  if (problems.length > 0) throw new InvalidInput(problems);

  const sharedRuns = duplicatedRunIds(candidates);
  // Map keeps insertion order: groups come in the order of their first job.
  const groups = new Map<string, Batchable[]>();
  for (const job of candidates) {
    const batchable = asBatchable(job, sharedRuns);
    if (batchable === null) continue;
    const key = groupKey(batchable, options.mode);
    if (key === null) continue;
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [batchable]);
    else group.push(batchable);
  }

  const batches = [...groups.values()].flatMap((group) => pack(group, options.maxRunsPerBatch)).map(plannedBatch);
  const jobsMerged = sum(batches.map((batch) => batch.sourceJobIds.length));
  return {
    mode: options.mode,
    maxRunsPerBatch: options.maxRunsPerBatch,
    batches,
    jobsMerged,
    runsBatched: sum(batches.map((batch) => batch.runIds.length)),
    containersSaved: jobsMerged - batches.length,
  };
}

export function batchingOptionProblems(options: { mode: string; maxRunsPerBatch: number }): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (!(BATCHING_MODES as readonly string[]).includes(options.mode)) {
    problems.push({ field: 'input.mode', problem: `must be one of ${BATCHING_MODES.join(', ')} (got ${JSON.stringify(options.mode)})` });
  }
  const max = options.maxRunsPerBatch;
  if (!(Number.isSafeInteger(max) && max >= 2 && max <= MAX_RUNS_PER_BATCH_LIMIT)) {
    problems.push({
      field: 'input.maxRunsPerBatch',
      problem: `must be a whole number from 2 to ${MAX_RUNS_PER_BATCH_LIMIT}; a batch of one run saves nothing (got ${JSON.stringify(max)})`,
    });
  }
  return problems;
}

/**
 * Null for a job that must stay as it is. Besides the obvious (wrong kind, cancel requested, no
 * runs), two cases would make the batch builder refuse the whole batch and so fail its partners:
 * a config that no longer resolves (stored under older rules), and a run id named twice, as when
 * a batch is queued while its sources are not yet marked merged. The planner cannot tell which
 * job owns such a run, so it leaves all of them alone.
 */
function asBatchable(job: BatchCandidate, sharedRuns: ReadonlySet<string>): Batchable | null {
  if (!BATCHABLE_KINDS.includes(job.kind) || job.cancelRequested || job.runs.length === 0) return null;
  if (job.runs.some((run) => sharedRuns.has(run.runId))) return null;
  const configs = resolvedConfigs(job.runs);
  return configs === null ? null : { job, configs };
}

/**
 * Jobs with equal keys can share one model invocation. Null when the job's own runs could not
 * share one, so it cannot join any batch. Priority is part of the key so that merging never lets
 * a job overtake one the user ranked above it; so are the GPUs asked for, which the batch keeps.
 */
function groupKey({ job, configs }: Batchable, mode: BatchingMode): string | null {
  const signatures = distinct(job.runs.map((run, index) => executionSignature(configs[index]!, run.negativePrompt)));
  if (signatures.length !== 1) return null;
  const controls = controlsInKey(mode, configs);
  if (controls === null) return null;
  return JSON.stringify([job.priority, job.numGpus, signatures[0], controls]);
}

/**
 * What one transfer.py invocation applies to every line: the plain args and the base spec's
 * negative prompt (batch-inference.builder's signatureProblems refuses batches that differ).
 * Entries are sorted by name so the key never depends on the order an object's keys were added.
 */
function executionSignature(config: InferenceConfig, negativePrompt: string): string {
  const settings = Object.entries(executionSettings(config)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([settings, negativePrompt]);
}

/** The control set a job must share with its partners in this mode; null when it has none to share. */
function controlsInKey(mode: BatchingMode, configs: readonly InferenceConfig[]): string | null {
  switch (mode) {
    case 'strict': {
      const sets = distinct(configs.map((config) => activeControls(config.weights).join(',')));
      return sets.length === 1 ? sets[0]! : null;
    }
    case 'mixed':
      return '';
    default:
      return assertNever(mode);
  }
}

/**
 * Next fit in queue order, whole jobs only: a job is claimed, cancelled and finished as one, so
 * its runs never go to different batches. A job over the limit is left alone, and a batch of one
 * job is not proposed: it would still load the model once for that job and save nothing.
 */
function pack(group: readonly Batchable[], maxRuns: number): Batchable[][] {
  const batches: Batchable[][] = [];
  let current: Batchable[] = [];
  let runs = 0;
  for (const batchable of group) {
    const size = batchable.job.runs.length;
    if (size > maxRuns) continue;
    if (runs + size > maxRuns) {
      batches.push(current);
      [current, runs] = [[], 0];
    }
    current.push(batchable);
    runs += size;
  }
  batches.push(current);
  return batches.filter((batch) => batch.length > 1);
}

function plannedBatch(sources: readonly Batchable[]): PlannedBatch {
  const jobs = sources.map((source) => source.job);
  const configs = sources.flatMap((source) => source.configs);
  const active = new Set(configs.flatMap((config) => activeControls(config.weights)));
  return {
    sourceJobIds: jobs.map((job) => job.jobId),
    runIds: jobs.flatMap((job) => job.runs.map((run) => run.runId)),
    promptIds: jobs.flatMap((job) => job.runs.map((run) => run.promptId)),
    configs,
    controls: CONTROL_KEYS.filter((key) => active.has(key)),
    // Sources share one priority: it is part of the group key.
    priority: jobs[0]!.priority,
    queuedAt: jobs.map((job) => job.queuedAt).reduce((earliest, at) => (Date.parse(at) < Date.parse(earliest) ? at : earliest)),
  };
}

/**
 * The builder resolves every run's config again and compares the resolved settings, so the
 * planner compares the same; null when any of them no longer resolves.
 */
function resolvedConfigs(runs: readonly BatchCandidateRun[]): InferenceConfig[] | null {
  try {
    return runs.map((run) => resolveInferenceConfig(run.config));
  } catch (error) {
    if (error instanceof InvalidInput) return null;
    throw error;
  }
}

function duplicatedRunIds(candidates: readonly BatchCandidate[]): Set<string> {
  const seen = new Set<string>();
  const shared = new Set<string>();
  for (const run of candidates.flatMap((job) => job.runs)) {
    if (seen.has(run.runId)) shared.add(run.runId);
    seen.add(run.runId);
  }
  return shared;
}

function distinct<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
