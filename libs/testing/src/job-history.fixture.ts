/**
 * Test-only: job histories as the event store records them (consecutive positions, per-stream
 * revisions, actor metadata), typed by the domain's own event payloads so the specs break when a
 * job event changes shape.
 */
import { jobContainerName, type JobEvent, type JobFailureReason, type JobKind, type JobQueued, type JobStage, jobStream, type QueuedPrompt } from '../../domain/src/index.js';
import type { RecordedEvent } from '../../eventstore/src/index.js';
import { minutesAfter, promptIdOf, runIdOf } from './catalog-history.fixture.js';
import { RecordedLog } from './recorded-log.js';

/** A prompt as a job queued it: its text names it, so a spec can tell which prompt a run used. */
export function queuedPromptOf(promptId: string): QueuedPrompt {
  const video = { path: 'city/color.mp4', frames: 121, fps: 24, width: 1280, height: 704, durationSeconds: 5.04, codec: 'h264', sizeBytes: 1_000_000 };
  return { text: `the text of ${promptId}`, negativePrompt: '', name: `prompt ${promptId}`, modelType: 'transfer', inputs: { videoDir: 'city', color: video, depth: null, segmentation: null } };
}

/** A one-run inference job's JobQueued as v3 writes it; `overrides` shape the case at hand. */
export function jobQueuedData(overrides: Partial<JobQueued['data']> = {}): JobQueued['data'] {
  return {
    jobId: 'job_0000000000000001',
    kind: 'inference',
    runIds: ['rs_1'],
    promptIds: ['ps_1'],
    config: {},
    prompts: { ps_1: queuedPromptOf('ps_1') },
    upscale: null,
    priority: 50,
    idempotencyKey: null,
    retryOf: null,
    queuedAt: '2026-12-04T10:00:00.000Z',
    queuedBy: 'ana',
    ...overrides,
  };
}

export const jobIdOf = (n: number): string => `job_${n.toString(16).padStart(16, '0')}`;

export interface JobSeed {
  readonly id: string;
  readonly queuedAt: string;
  readonly kind?: JobKind;
  readonly priority?: number;
  /** Defaults to one run (three for batch_inference) numbered after the job. */
  readonly runIds?: string[];
  /** Defaults to one prompt per run, numbered after the job. */
  readonly promptIds?: string[];
  readonly retryOf?: string | null;
  readonly idempotencyKey?: string | null;
  readonly actor?: string;
  /** Only on a batch made by smart batching (see `batchQueued`). */
  readonly mergedFrom?: string[];
  /** Absent: the job as queued before GPU slots. */
  readonly numGpus?: number;
}

/** Appends job events to an in-memory log; `events` is what a store's `readAll` would return. */
export class JobHistory extends RecordedLog {
  private readonly queuedJobs = new Map<string, JobQueued['data']>();
  /** The current attempt's claim, which a success measures its duration from (as the decider does). */
  private readonly claims = new Map<string, { attempt: number; at: string }>();

  /** `recordedAt` differs from `queuedAt` only for a merged batch, which takes its earliest source's place. */
  queued(seed: JobSeed, recordedAt = seed.queuedAt): RecordedEvent {
    const kind = seed.kind ?? 'inference';
    const n = Number.parseInt(seed.id.slice(4), 16);
    const runIds = seed.runIds ?? (kind === 'batch_inference' ? [1, 2, 3].map((i) => runIdOf(n * 10 + i)) : [runIdOf(n * 10)]);
    const config = kind === 'batch_inference' ? { runs: runIds.map((_, seed) => ({ num_steps: 35, seed })) } : { num_steps: 35, guidance: 5, seed: 1 };
    const promptIds = seed.promptIds ?? runIds.map((_, i) => promptIdOf(n * 10 + i));
    const data: JobQueued['data'] = {
      jobId: seed.id,
      kind,
      runIds,
      promptIds,
      config,
      prompts: Object.fromEntries(promptIds.map((promptId) => [promptId, queuedPromptOf(promptId)])),
      upscale: kind === 'upscale' ? { sourceRunId: null, sourceVideo: 'city/color.mp4', video: { root: 'inputs', path: 'city/color.mp4' } } : null,
      priority: seed.priority ?? 50,
      ...(seed.numGpus === undefined ? {} : { numGpus: seed.numGpus }),
      idempotencyKey: seed.idempotencyKey ?? null,
      retryOf: seed.retryOf ?? null,
      ...(seed.mergedFrom === undefined ? {} : { mergedFrom: seed.mergedFrom }),
      queuedAt: seed.queuedAt,
      queuedBy: seed.actor ?? 'ana',
    };
    this.queuedJobs.set(seed.id, data);
    return this.job(seed.id, 'JobQueued', data, recordedAt, seed.actor ?? 'ana');
  }

  priorityChanged(jobId: string, priority: number, at: string, by = 'ben'): RecordedEvent {
    return this.job(jobId, 'JobPriorityChanged', { priority, changedBy: by, at }, at, by);
  }

  /** `gpus` absent: a claim as made before GPU slots. */
  claimed(jobId: string, at: string, node = 'gpu-1', gpus?: number[]): RecordedEvent {
    const attempt = (this.claims.get(jobId)?.attempt ?? 0) + 1;
    this.claims.set(jobId, { attempt, at });
    const containerName = jobContainerName(this.kindOf(jobId), jobId, attempt);
    return this.job(jobId, 'JobClaimed', { node, attempt, containerName, claimedAt: at, ...(gpus === undefined ? {} : { gpus }) }, at);
  }

  stageChanged(jobId: string, stage: JobStage, percent: number, at: string): RecordedEvent {
    return this.job(jobId, 'JobStageChanged', { stage, percent, at }, at);
  }

  succeeded(jobId: string, at: string): RecordedEvent {
    const claim = this.claims.get(jobId);
    if (claim === undefined) throw new Error(`${jobId} succeeds without a claim`);
    const durationSeconds = (Date.parse(at) - Date.parse(claim.at)) / 1000;
    return this.job(jobId, 'JobSucceeded', { at, durationSeconds }, at);
  }

  failed(jobId: string, at: string, reason: JobFailureReason = 'CONTAINER_EXIT', message = 'exit code 1', exitCode: number | null = 1): RecordedEvent {
    return this.job(jobId, 'JobFailed', { reason, message, exitCode, at }, at);
  }

  cancelRequested(jobId: string, at: string, by = 'ben', reason = 'no longer needed'): RecordedEvent {
    return this.job(jobId, 'JobCancelRequested', { by, reason, at }, at, by);
  }

  cancelled(jobId: string, at: string, by = 'ben', reason = 'no longer needed'): RecordedEvent {
    return this.job(jobId, 'JobCancelled', { by, reason, at }, at, by);
  }

  released(jobId: string, at: string, reason = 'worker restarted during upload'): RecordedEvent {
    return this.job(jobId, 'JobReleased', { reason, at }, at);
  }

  retried(jobId: string, newJobId: string, at: string, by = 'ana'): RecordedEvent {
    return this.job(jobId, 'JobRetried', { newJobId, by, at }, at, by);
  }

  mergedIntoBatch(jobId: string, batchJobId: string, at: string, by = 'ana'): RecordedEvent {
    return this.job(jobId, 'JobMergedIntoBatch', { batchJobId, by, at }, at, by);
  }

  /**
   * The batch job smart batching queues once `sources` were merged into it: their runs and prompts
   * in that order, at the earliest source's place in the queue. Leaves out the merges themselves
   * (and the runs' moves, which are not job events), so a spec can cut the apply short anywhere.
   */
  batchQueued(batchJobId: string, sources: readonly string[], at: string, by = 'ana'): RecordedEvent {
    const queued = sources.map((id) => this.queuedData(id));
    const runIds = queued.flatMap((job) => job.runIds);
    const promptIds = queued.flatMap((job) => job.promptIds);
    const queuedAt = queued.map((job) => job.queuedAt).reduce((a, b) => (b < a ? b : a));
    return this.queued({ id: batchJobId, kind: 'batch_inference', runIds, promptIds, mergedFrom: [...sources], queuedAt, actor: by }, at);
  }

  /** Queued, claimed a minute later, through every stage, succeeded `minutes` after the claim. */
  succeededJob(seed: JobSeed & { readonly node?: string; readonly minutes?: number }): void {
    const claimedAt = minutesAfter(seed.queuedAt, 1);
    const minutes = seed.minutes ?? 10;
    this.queued(seed);
    this.claimed(seed.id, claimedAt, seed.node);
    this.stageChanged(seed.id, 'uploading', 0, claimedAt);
    this.stageChanged(seed.id, 'running', 0, minutesAfter(claimedAt, 1));
    this.stageChanged(seed.id, 'running', 50, minutesAfter(claimedAt, minutes / 2));
    this.stageChanged(seed.id, 'downloading', 0, minutesAfter(claimedAt, minutes - 1));
    this.succeeded(seed.id, minutesAfter(claimedAt, minutes));
  }


  private kindOf(jobId: string): JobKind {
    return this.queuedData(jobId).kind;
  }

  private queuedData(jobId: string): JobQueued['data'] {
    const queued = this.queuedJobs.get(jobId);
    if (queued === undefined) throw new Error(`${jobId} was never queued in this history`);
    return queued;
  }

  private job<E extends JobEvent>(jobId: string, type: E['type'], data: E['data'], at: string, actor?: string): RecordedEvent {
    return this.record(jobStream(jobId), type, data, at, actor);
  }
}

/**
 * A day on two GPU nodes touching every job event, interleaved as workers would write them: jobs
 * that succeed, fail, are cancelled while queued and while running, a claim released after a crash
 * during upload and claimed again, a failed job retried, a reprioritized job, two queued jobs
 * merged into a batch that then runs, and a queue left behind (queued, claimed, uploading,
 * running, and one with a cancel not yet confirmed).
 */
export function busyJobDay(): JobHistory {
  const h = new JobHistory();
  const at = (minutes: number) => minutesAfter('2026-11-28T08:00:00.000Z', minutes);
  const J = jobIdOf;

  // Three that succeed, to give each node's history some durations.
  h.succeededJob({ id: J(1), queuedAt: at(0), minutes: 12 });
  h.succeededJob({ id: J(2), queuedAt: at(0), kind: 'enhance', node: 'gpu-2', minutes: 2 });
  h.succeededJob({ id: J(3), queuedAt: at(14), kind: 'upscale', node: 'gpu-2', minutes: 15, idempotencyKey: 'upscale-rs-3' });

  // An upscale that runs out of memory, retried by its owner as J(9).
  h.queued({ id: J(4), queuedAt: at(20), kind: 'upscale', priority: 70 });
  h.queued({ id: J(5), queuedAt: at(21) });
  h.claimed(J(4), at(22), 'gpu-1');
  h.claimed(J(5), at(22), 'gpu-2');
  h.stageChanged(J(4), 'uploading', 0, at(22));
  h.stageChanged(J(5), 'running', 10, at(23));
  h.stageChanged(J(4), 'running', 5, at(24));
  h.failed(J(4), at(26), 'OOM_KILLED', 'CUDA out of memory', 137);
  // J(5) is cancelled while running: requested, then the worker confirms the kill.
  h.cancelRequested(J(5), at(27));
  h.cancelled(J(5), at(28));

  // A batch whose first claim dies during upload: released, then claimed again on the other node.
  h.queued({ id: J(6), queuedAt: at(30), kind: 'batch_inference', priority: 60 });
  h.claimed(J(6), at(31), 'gpu-1');
  h.stageChanged(J(6), 'uploading', 40, at(32));
  h.released(J(6), at(35));
  h.claimed(J(6), at(36), 'gpu-2');
  h.stageChanged(J(6), 'uploading', 0, at(36));
  h.stageChanged(J(6), 'running', 0, at(38));
  h.stageChanged(J(6), 'downloading', 90, at(58));
  h.succeeded(J(6), at(60));

  // Cancelled before any node took it, after a bump in priority.
  h.queued({ id: J(7), queuedAt: at(40), kind: 'enhance' });
  h.priorityChanged(J(7), 90, at(41));
  h.cancelled(J(7), at(42), 'ana', 'wrong prompt');

  h.retried(J(4), J(9), at(45));
  h.queued({ id: J(9), queuedAt: at(45), kind: 'upscale', priority: 70, retryOf: J(4), runIds: [runIdOf(90)] });

  // Smart batching merges two waiting inferences into J(15), which keeps J(13)'s place and runs on gpu-3.
  h.queued({ id: J(13), queuedAt: at(46) });
  h.queued({ id: J(14), queuedAt: at(47) });
  h.mergedIntoBatch(J(13), J(15), at(49));
  h.mergedIntoBatch(J(14), J(15), at(49));
  h.batchQueued(J(15), [J(13), J(14)], at(49));
  h.claimed(J(15), at(50), 'gpu-3');
  h.stageChanged(J(15), 'uploading', 0, at(50));
  h.stageChanged(J(15), 'running', 0, at(51));
  h.stageChanged(J(15), 'downloading', 0, at(62));
  h.succeeded(J(15), at(63));

  // The queue as the day goes on: J(9) running, J(8) uploading with a cancel pending, J(10) claimed, two waiting.
  h.queued({ id: J(8), queuedAt: at(61) });
  h.claimed(J(9), at(61), 'gpu-1');
  h.stageChanged(J(9), 'running', 30, at(63));
  h.claimed(J(8), at(62), 'gpu-2');
  h.stageChanged(J(8), 'uploading', 20, at(63));
  h.cancelRequested(J(8), at(64), 'ana', 'duplicate');
  h.queued({ id: J(10), queuedAt: at(65), kind: 'enhance', priority: 80 });
  h.claimed(J(10), at(66), 'gpu-3');
  h.queued({ id: J(11), queuedAt: at(67), priority: 20 });
  h.queued({ id: J(12), queuedAt: at(68), kind: 'batch_inference' });
  h.priorityChanged(J(12), 55, at(69));
  return h;
}
