/**
 * Test-only: histories drawn at random (from a seed, so a failure replays) over every aggregate,
 * each entity taking a path its decider accepts: for laws that must hold of any history, not
 * just of the hand-written days.
 */
import { type FailureReason, type JobStage, QUEUE_STREAM, type RunProgressStatus } from '../../domain/src/index.js';
import type { EventStore, RecordedEvent } from '../../eventstore/src/index.js';
import { History, minutesAfter, promptIdOf, runIdOf } from './catalog-history.fixture.js';
import { JobHistory, jobIdOf } from './job-history.fixture.js';
import { concatLogs } from './recorded-log.js';

/** A linear congruential generator: small, deterministic, good enough to pick paths. */
export function seededRandom(seed: number): () => number {
  let state = seed * 7919 + 1;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

class CatalogAndQueue extends History {
  queuePaused(at: string, by: string): void {
    this.record(QUEUE_STREAM, 'QueuePaused', { pausedBy: by, reason: 'maintenance', pausedAt: at }, at, by);
  }

  queueResumed(at: string, by: string): void {
    this.record(QUEUE_STREAM, 'QueueResumed', { resumedBy: by, reason: null, resumedAt: at }, at, by);
  }
}

export interface GeneratedHistory {
  readonly promptIds: readonly string[];
  readonly runIds: readonly string[];
  readonly jobIds: readonly string[];
  /** As a store would record them: the catalog's and the queue's events, then the jobs'. */
  readonly events: readonly RecordedEvent[];
  appendTo(store: EventStore): Promise<void>;
}

const STATUSES: readonly RunProgressStatus[] = ['uploading', 'running', 'downloading'];
const STAGES: readonly JobStage[] = ['uploading', 'running', 'downloading'];
const REASONS: readonly FailureReason[] = ['CONTAINER_EXIT', 'OOM_KILLED', 'TIMEOUT', 'BAD_SPEC', 'INTERRUPTED'];
const NODES = ['gpu-1', 'gpu-2', 'gpu-3'];

export function generatedHistory(seed: number, size = { prompts: 25, runs: 40, jobs: 30 }): GeneratedHistory {
  const next = seededRandom(seed);
  const chance = (p: number) => next() < p;
  const pick = <T,>(values: readonly T[]): T => values[Math.floor(next() * values.length)]!;
  const catalog = new CatalogAndQueue();
  const jobs = new JobHistory();
  let clock = 0;
  const tick = () => minutesAfter('2026-10-01T00:00:00.000Z', (clock += 1 + Math.floor(next() * 5)));

  const promptIds = Array.from({ length: size.prompts }, (_, i) => promptIdOf(seed * 1000 + i));
  for (const id of promptIds) catalog.promptCreated({ id, text: `prompt ${id}`, createdAt: tick() });

  const runIds = Array.from({ length: size.runs }, (_, i) => runIdOf(seed * 1000 + i));
  for (const id of runIds) {
    catalog.runRequested({ id, promptId: pick(promptIds), requestedAt: tick(), kind: pick(['inference', 'inference', 'upscale', 'enhance'] as const) });
    const reached = Math.floor(next() * 4);
    for (const status of STATUSES.slice(0, reached)) catalog.runStatusChanged(id, status, tick(), pick(NODES));
    const end = next();
    if (end < 0.45) {
      catalog.runCompleted(id, tick());
      for (let ratings = Math.floor(next() * 3); ratings > 0; ratings--) catalog.runRated(id, chance(0.15) ? null : 1 + Math.floor(next() * 5), tick());
      if (chance(0.2)) catalog.runOutputsDeleted(id, [`run_${id}/output.mp4`], tick());
    } else if (end < 0.65) {
      catalog.runFailed(id, tick(), pick(REASONS));
    } else if (end < 0.8) {
      catalog.runCancelled(id, tick());
    }
    if (end < 0.8 && chance(0.15)) catalog.runDeleted(id, tick());
  }

  for (const id of promptIds) {
    if (chance(0.2)) catalog.promptTextReplaced(id, `better ${id}`, pick(runIds), tick());
    if (chance(0.15)) catalog.promptDeleted(id, tick());
  }

  let paused = false;
  for (let toggles = Math.floor(next() * 5); toggles > 0; toggles--) {
    if (paused) catalog.queueResumed(tick(), 'ben');
    else catalog.queuePaused(tick(), 'ana');
    paused = !paused;
  }

  const jobIds = Array.from({ length: size.jobs }, (_, i) => jobIdOf(seed * 1000 + i));
  for (const id of jobIds) {
    jobs.queued({ id, queuedAt: tick(), kind: pick(['inference', 'batch_inference', 'upscale', 'enhance'] as const), priority: Math.floor(next() * 100) });
    if (chance(0.2)) jobs.priorityChanged(id, Math.floor(next() * 100), tick());
    if (chance(0.15)) {
      jobs.cancelled(id, tick());
      continue;
    }
    if (chance(0.15)) continue; // still waiting
    for (let claims = chance(0.2) ? 2 : 1; claims > 0; claims--) {
      jobs.claimed(id, tick(), pick(NODES));
      const stages = Math.floor(next() * 4);
      for (const stage of STAGES.slice(0, stages)) jobs.stageChanged(id, stage, Math.floor(next() * 100), tick());
      if (claims > 1) jobs.released(id, tick());
    }
    const end = next();
    if (end < 0.45) jobs.succeeded(id, tick());
    else if (end < 0.7) jobs.failed(id, tick(), pick(REASONS));
    else if (end < 0.85) {
      jobs.cancelRequested(id, tick());
      if (chance(0.7)) jobs.cancelled(id, tick());
    }
  }

  return { promptIds, runIds, jobIds, ...concatLogs(catalog, jobs) };
}
