import { type EventOfType, type JobEvent, type JobStage, jobStream } from '../libs/domain/src/index.js';
import { EVENT_STORE, type EventStore } from '../libs/eventstore/src/index.js';
import type { CosmosHarness } from '../apps/server/testing/cosmos.harness.js';
import { finished, requestInference, waitForJob } from '../apps/server/testing/job-flows.js';

/**
 * When one successful single-attempt job passed each point, in epoch ms, as its own stream tells:
 * the times the commands were accepted (the ledger stamps each when it writes it), not when the
 * remote work behind them began.
 */
export interface JobTimeline {
  readonly jobId: string;
  readonly queued: number;
  readonly claimed: number;
  readonly uploading: number;
  /** Recorded right after `docker run --detach` answered. */
  readonly running: number;
  /** Recorded right after `docker wait` answered: the container has exited. */
  readonly downloading: number;
  readonly succeeded: number;
}

export async function jobTimeline(store: EventStore, jobId: string): Promise<JobTimeline> {
  const events = (await store.readStream(jobStream(jobId))).map((recorded) => ({ type: recorded.type, data: recorded.data }) as JobEvent);
  const at = (what: string, time: string | undefined): number => {
    if (time === undefined) throw new Error(`job ${jobId} has no ${what}: ${events.map((event) => event.type).join(', ')}`);
    return Date.parse(time);
  };
  const first = <T extends JobEvent['type']>(type: T) => events.find((event): event is EventOfType<JobEvent, T> => event.type === type);
  const stage = (name: JobStage): string | undefined => {
    for (const event of events) if (event.type === 'JobStageChanged' && event.data.stage === name) return event.data.at;
    return undefined;
  };
  const claims = events.flatMap((event) => (event.type === 'JobClaimed' ? [event.data.claimedAt] : []));
  // A released and claimed-again job would mix two attempts into one timeline.
  if (claims.length !== 1) throw new Error(`job ${jobId} was claimed ${claims.length} times`);
  return {
    jobId,
    queued: at('JobQueued', first('JobQueued')?.data.queuedAt),
    claimed: at('JobClaimed', claims[0]),
    uploading: at("stage 'uploading'", stage('uploading')),
    running: at("stage 'running'", stage('running')),
    downloading: at("stage 'downloading'", stage('downloading')),
    succeeded: at('JobSucceeded', first('JobSucceeded')?.data.at),
  };
}

/**
 * Bench jobs over one prompt: `request` queues one (distinct seeds, so never an idempotent
 * repeat), `succeeded` waits for it and answers its timeline, or throws how it ended otherwise.
 */
export function benchJobs(cosmos: CosmosHarness, promptId: string, timeoutMs: number): { request: () => Promise<string>; succeeded: (jobId: string) => Promise<JobTimeline> } {
  const store = cosmos.get<EventStore>(EVENT_STORE);
  let seed = 0;
  return {
    request: () => requestInference(cosmos, { promptIds: [promptId], seed: ++seed }),
    async succeeded(jobId) {
      const job = await waitForJob(cosmos, jobId, finished, timeoutMs);
      if (job.status !== 'succeeded') throw new Error(`bench job ${jobId} ended ${job.status}: ${JSON.stringify(job.failure)}`);
      return jobTimeline(store, jobId);
    },
  };
}
