import type { JobKind } from './job.events.js';
import {
  compareQueued,
  DEFAULT_JOB_DURATIONS_SECONDS,
  estimateWaits,
  type JobDuration,
  median,
  type QueuedJobRef,
  queuePositions,
  type RunningJobRef,
  type WaitEstimateInput,
} from './queue-order.js';

const now = '2026-11-28T12:00:00.000Z';
const secondsAgo = (seconds: number): string => new Date(Date.parse(now) - seconds * 1000).toISOString();
const job = (jobId: string, kind: JobKind, priority = 50, queuedSecondsAgo = 3600): QueuedJobRef => ({
  jobId,
  kind,
  priority,
  queuedAt: secondsAgo(queuedSecondsAgo),
});
const runningOn = (node: string, kind: JobKind, startedSecondsAgo: number): RunningJobRef => ({ node, kind, startedAt: secondsAgo(startedSecondsAgo) });
const took = (kind: JobKind, ...seconds: number[]): JobDuration[] => seconds.map((s) => ({ kind, seconds: s }));

const estimate = (overrides: Partial<WaitEstimateInput>) =>
  estimateWaits({ queued: [], running: [], recentDurations: [], defaults: DEFAULT_JOB_DURATIONS_SECONDS, nodeCount: 1, now, ...overrides });

describe('queue order', () => {
  it('puts higher priority first, then the earlier job, then the lower id', () => {
    const urgentLate = job('job_c', 'inference', 90, 10);
    const early = job('job_b', 'inference', 50, 300);
    const late = job('job_a', 'inference', 50, 200);
    const lateTwin = job('job_0', 'inference', 50, 200);
    expect([late, early, lateTwin, urgentLate].sort(compareQueued)).toEqual([urgentLate, early, lateTwin, late]);
  });

  it('numbers every queued job from 1 in claim order', () => {
    const positions = queuePositions([job('job_a', 'enhance', 10), job('job_b', 'upscale', 80), job('job_c', 'inference', 50)]);
    expect([...positions]).toEqual([
      ['job_b', 1],
      ['job_c', 2],
      ['job_a', 3],
    ]);
  });

  it('takes the median, of the middle two for an even count', () => {
    expect(median([])).toBeNull();
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});

describe('estimateWaits', () => {
  it('uses the documented default per kind before anything has finished', () => {
    const queued = [job('job_a', 'inference', 50, 30), job('job_b', 'enhance', 50, 20), job('job_c', 'upscale', 50, 10)];
    // one idle node: 0, then 600 (inference), then 600 + 120 (enhance)
    expect(estimate({ queued })).toEqual([
      { jobId: 'job_a', position: 1, etaSeconds: 0 },
      { jobId: 'job_b', position: 2, etaSeconds: 600 },
      { jobId: 'job_c', position: 3, etaSeconds: 720 },
    ]);
  });

  it('spreads the queue over the node that frees first, after what running jobs have left', () => {
    const input = {
      // inference median 700: gpu-1 is busy 700 - 200 = 500 s more; gpu-2's upscale is overdue, so free now
      running: [runningOn('gpu-1', 'inference', 200), runningOn('gpu-2', 'upscale', 1000)],
      recentDurations: took('inference', 500, 900, 700),
      nodeCount: 2,
      queued: [job('job_d', 'inference', 50, 10), job('job_b', 'inference', 50, 30), job('job_c', 'enhance', 50, 20), job('job_a', 'batch_inference', 90, 5)],
    };
    // A: gpu-2 at 0 → busy until 1200 (batch default). B: gpu-1 at 500 → 1200. C: tie, first node
    // gpu-1 at 1200 → 1320. D: gpu-2 at 1200.
    expect(estimate(input)).toEqual([
      { jobId: 'job_a', position: 1, etaSeconds: 0 },
      { jobId: 'job_b', position: 2, etaSeconds: 500 },
      { jobId: 'job_c', position: 3, etaSeconds: 1200 },
      { jobId: 'job_d', position: 4, etaSeconds: 1200 },
    ]);
  });

  it('learns from the last N durations of a kind only, oldest first', () => {
    const recentDurations = [...took('inference', 10_000, 300, 400, 500), ...took('enhance', 1)];
    const queued = [job('job_a', 'inference', 50, 20), job('job_b', 'inference', 50, 10)];
    expect(estimate({ queued, recentDurations, sampleSize: 3 }).map((wait) => wait.etaSeconds)).toEqual([0, 400]);
    // all four: (400 + 500) / 2
    expect(estimate({ queued, recentDurations, sampleSize: 4 }).map((wait) => wait.etaSeconds)).toEqual([0, 450]);
  });

  it('takes defaults from the caller, so configuration can override them', () => {
    const queued = [job('job_a', 'inference', 50, 20), job('job_b', 'inference', 50, 10)];
    expect(estimate({ queued, defaults: { ...DEFAULT_JOB_DURATIONS_SECONDS, inference: 60 } })[1].etaSeconds).toBe(60);
  });

  it('stacks jobs running on one node, counts a busy node beyond nodeCount, and rounds to seconds', () => {
    const queued = [job('job_a', 'enhance')];
    expect(estimate({ queued, running: [runningOn('gpu-1', 'enhance', 0), runningOn('gpu-1', 'enhance', 0)] })[0].etaSeconds).toBe(240);
    // nodeCount 1, but gpu-1 and gpu-2 both run: gpu-2 frees after 600 - 500 = 100 s
    expect(estimate({ queued, running: [runningOn('gpu-1', 'inference', 0), runningOn('gpu-2', 'inference', 500)] })[0].etaSeconds).toBe(100);
    expect(estimate({ queued, running: [runningOn('gpu-1', 'inference', 100.4)] })[0].etaSeconds).toBe(500);
  });

  it('refuses a node count or sample size below one', () => {
    expect(() => estimate({ nodeCount: 0 })).toThrow(RangeError);
    expect(() => estimate({ sampleSize: 0 })).toThrow(/sampleSize must be a whole number ≥ 1/);
  });
});
