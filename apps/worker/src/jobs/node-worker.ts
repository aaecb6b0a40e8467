import type { Logger } from '@nestjs/common';
import { type ClaimedJob, DomainError, type JobQueued, type JobWork, QUEUE_STREAM, queueDecider, recoveryAction, slotClaims } from '../../../../libs/domain/src/index.js';
import type { EventSourcedCommandHandler } from '../../../../libs/eventstore/src/index.js';
import { FailureStreak, type GpuNode, gpuPool, isNodeUnreachable, type SshConnection } from '../../../../libs/gpu/src/index.js';
import type { CatalogQueries } from '../../../../libs/read-models/src/index.js';
import { NodeContactLost } from './job-execution.js';
import type { DriveLane, JobDriver } from './job-driver.js';
import type { JobLedger, JobRecord } from './job-ledger.js';
import type { NodeContact } from './node-contact.js';
import type { JobBoard } from './job-board.js';
import { JobStager } from './job-stager.js';
import { workloadOf } from './job-workload.js';
import { killContainer, observeContainer, runningJobContainers } from './node-containers.js';
import type { Wakeup } from './wakeup.js';

export interface NodeWorkerSettings {
  readonly maxAttempts: number;
  readonly pollIntervalMs: number;
  /** Tries to reach a node that dropped mid-job before its job fails SSH_FAILURE. */
  readonly contactAttempts: number;
  readonly contactBackoffMs: number;
}

/** Queued jobs looked at per pass; the first one whose claim wins runs. */
const CANDIDATES = 20;

/** A job this worker drives on the node, with the GPUs its attempt holds and the connection it uses. */
interface Slot {
  readonly cancel: AbortController;
  /** Emptied when its container exits: the outputs still download, the GPUs are free. */
  gpus: readonly number[];
  readonly lane: number;
}

/**
 * Jobs that share one SSH connection: each follows its container with two channels (logs and
 * wait), which leaves two of a connection's eight for docker run, inspect and a kill.
 */
const JOBS_PER_CONNECTION = 3;

/**
 * One GPU node's worker, running as many jobs at once as the node has GPUs for: each attempt holds
 * its own GPUs (slotClaims chooses them, JobClaimed records them, its container sees only them).
 * At start it settles what a previous process left on the node (recoveryAction decides per job),
 * re-attaching every container still running; then it claims queued jobs the board shows, priority
 * first, then FIFO, unless the queue is paused, and drives each to its end from what its own stream
 * says. Claims race other nodes on the job stream: exactly one append wins, the others see
 * JobNotQueued and look further.
 */
export class NodeWorker {
  /** By job id: what runs here now. */
  private readonly slots = new Map<string, Slot>();
  private readonly driving = new Set<Promise<void>>();
  /** The node's GPUs, known once it answered (gpuPool). */
  private pool: readonly number[] | null = null;
  /** Lane 0 is the node's own connection; more open as more jobs run at once, and close with the worker. */
  private readonly lanes: SshConnection[];
  private readonly stager: JobStager;
  private stopped = false;
  /** A node that stays down fails every retry alike: said with backing off, not every few seconds. */
  private readonly failures = new FailureStreak();

  constructor(
    readonly node: GpuNode,
    private readonly driver: JobDriver,
    private readonly ledger: JobLedger,
    private readonly commands: EventSourcedCommandHandler,
    private readonly board: JobBoard,
    /** Only for jobs queued before v3, whose JobQueued does not hold everything they run from. */
    private readonly catalog: CatalogQueries,
    private readonly wakeup: Wakeup,
    private readonly contact: NodeContact,
    private readonly settings: NodeWorkerSettings,
    private readonly logger: Logger,
  ) {
    this.lanes = [node.connection];
    this.stager = new JobStager(node.name, driver, ledger, async (jobId) => this.workloadFrom((await ledger.jobRecord(jobId)).queued), logger);
  }

  /**
   * Until stop(): errors of one pass are logged and the next pass comes after the poll interval.
   * Resolves once every job it drives has let go.
   */
  async run(): Promise<void> {
    let recovered = false;
    while (!this.stopped) {
      // New work waits until what the last process left here is settled; an unreachable node is asked again.
      if (!recovered) {
        recovered = await this.guard('recover the node', async () => (await this.reconcile(), true));
        if (!recovered) await this.wakeup.sleep(this.settings.pollIntervalMs);
        continue;
      }
      const started = await this.guard('run the next job', () => this.startNext());
      if (started || this.stopped) continue;
      this.planStaging();
      // A job ending here notifies too: its GPUs may be what a queued job waits for.
      await this.wakeup.wait(this.settings.pollIntervalMs);
    }
    await this.stager.close();
    await Promise.allSettled([...this.driving]);
  }

  /** Lets go of the node: the jobs in hand stay claimed, for the next start to recover. */
  stop(): void {
    this.stopped = true;
    void this.stager.close();
    // Closing a connection ends the follows on it; the node's own connection its owner closes.
    for (const lane of this.lanes.slice(1)) void lane.close();
  }

  /** The owner asked to cancel this job: kill its container if it runs here. */
  cancelRequested(jobId: string): void {
    this.slots.get(jobId)?.cancel.abort();
  }

  /**
   * Settles every job a previous process left claimed on this node, then our containers nobody
   * owns. Containers still running are re-attached side by side, each in its slot.
   */
  async reconcile(): Promise<void> {
    if (this.pool === null) {
      this.pool = await gpuPool(this.node);
      await this.contact.gpusFound(this.pool);
    }
    const seen = new Set<string>();
    for (const job of this.board.heldBy([this.node.name])) {
      seen.add(job.id);
      await this.recover(job.id);
    }
    for (const container of await runningJobContainers(this.node)) {
      if (!seen.has(container.jobId)) await this.recover(container.jobId, container.name);
    }
  }

  /**
   * Acts on what the log says about a job and what the node holds under its container name. `found`
   * names a running container of ours whose job the log may no longer hold as claimed.
   */
  async recover(jobId: string, found?: string): Promise<void> {
    const record = await this.ledger.jobRecord(jobId);
    const { state } = record;
    // A container here of an earlier attempt of a job claimed again (here or elsewhere): no claim owns it any more.
    if (state.status === 'Claimed' && found !== undefined && found !== state.containerName) return killContainer(this.node, found);
    if (state.status === 'Claimed' && state.node !== this.node.name) return;
    const name = state.status === 'Claimed' ? state.containerName : found;
    if (name === undefined) return;
    const observation = await observeContainer(this.node, name);
    const action = recoveryAction(state, observation, this.settings.maxAttempts);
    if (action !== 'nothing') this.logger.log({ msg: 'recovering job', node: this.node.name, jobId, container: name, found: observation.container, action });
    switch (action) {
      case 'reattach':
      case 'finalize':
        return this.launch(record, state as ClaimedJob);
      case 'release':
      case 'fail_interrupted':
        return this.interrupted(record, state as ClaimedJob, action);
      case 'cancel':
        if (observation.container === 'running') await killContainer(this.node, name);
        return this.driver.cancelled(jobId, (state as ClaimedJob).attempt, runIdsOf(record));
      case 'kill':
        return killContainer(this.node, name);
      case 'nothing':
        return;
    }
  }

  /** Claims one job into free GPUs and starts it; false when nothing could start now. */
  private async startNext(): Promise<boolean> {
    // Nothing is claimed for a node that does not answer: the job waits in the queue, saying why (Job.waitingFor).
    await this.node.connection.connect();
    const next = await this.claimNext();
    if (next === null) return false;
    await this.stager.claimed(next.record.jobId);
    this.launch(next.record, next.claim, next.work);
    return true;
  }

  /**
   * While containers run here, the next queued jobs this node could run (one per running
   * container, in queue order) have their inputs uploaded ahead; with none running, nothing is
   * staged: the next job is claimed at once anyway.
   */
  private planStaging(): void {
    const pool = this.pool;
    const running = [...this.slots.values()].filter((slot) => slot.gpus.length > 0).length;
    if (pool === null || running === 0) return this.stager.plan([]);
    const fits = (job: { numGpus?: number | null }) => (job.numGpus ?? pool.length) <= pool.length;
    const next = this.board.queued().filter((job) => !job.legacy && fits(job) && !this.slots.has(job.id));
    this.stager.plan(next.slice(0, running).map((job) => job.id));
  }

  private async claimNext(): Promise<{ record: JobRecord; work: JobWork; claim: ClaimedJob } | null> {
    if (this.stopped || this.pool === null) return null;
    const queue = await this.commands.state(queueDecider, QUEUE_STREAM);
    if (queue.status === 'Paused') return null;
    const queued = this.board.queued().slice(0, CANDIDATES);
    const byId = new Map(queued.map((job) => [job.id, job]));
    const busy = new Set([...this.slots.values()].flatMap((slot) => slot.gpus));
    for (const { jobId, gpus } of slotClaims(this.pool, busy, queued.map((job) => ({ jobId: job.id, numGpus: job.numGpus ?? null })))) {
      const job = byId.get(jobId)!;
      if (this.stopped) return null;
      // A job queued before v3 runs from the catalog: it waits until the catalog shows its runs.
      if (job.legacy && (await this.workloadFrom((await this.ledger.jobRecord(job.id)).queued)) === null) continue;
      try {
        // The board may be behind the stream: a refusal, or a claim that is not ours, means look further.
        const claimed = await this.ledger.claim(job.id, this.node.name, job.attempts + 1, gpus);
        if (claimed.duplicate) continue;
      } catch (error) {
        if (error instanceof DomainError) continue;
        throw error;
      }
      const record = await this.ledger.jobRecord(job.id);
      const { state } = record;
      if (state.status !== 'Claimed' || state.node !== this.node.name) continue;
      this.logger.log({ msg: 'claimed job', node: this.node.name, jobId: job.id, kind: job.kind, attempt: state.attempt, container: state.containerName });
      const work = await this.workloadFrom(record.queued);
      if (work === null) {
        await this.interrupted(record, state, 'release', 'its runs were not in the catalog yet (a job queued before v3)');
        continue;
      }
      return { record, work, claim: state };
    }
    return null;
  }

  /**
   * Takes the claim's GPUs (a claim from before GPU slots takes the whole node) and drives the job
   * in the background; when it lets go, the GPUs are free and the node looks for work again.
   */
  private launch(record: JobRecord, claim: ClaimedJob, known: JobWork | null = null): void {
    const { jobId } = record;
    if (this.slots.has(jobId)) return;
    const cancel = new AbortController();
    if (claim.cancelRequested !== null) cancel.abort();
    const lane = this.freeLane();
    const slot: Slot = { cancel, gpus: claim.gpus ?? this.pool ?? [], lane };
    this.slots.set(jobId, slot);
    const containerExited = (): void => {
      slot.gpus = [];
      this.wakeup.notify();
    };
    const driving = this.drive(record, claim, cancel, known, { connection: this.lanes[lane]!, containerExited })
      .catch((error: unknown) => this.logger.error({ msg: 'driving a job failed', node: this.node.name, jobId, error: (error as Error).stack ?? String(error) }))
      .finally(() => {
        this.slots.delete(jobId);
        this.driving.delete(driving);
        this.wakeup.notify();
      });
    this.driving.add(driving);
  }

  /** The first connection with room for one more job, opening another when all are full. */
  private freeLane(): number {
    const used = [...this.slots.values()].map((slot) => slot.lane);
    for (let lane = 0; ; lane++) {
      if (used.filter((taken) => taken === lane).length >= JOBS_PER_CONNECTION) continue;
      if (lane === this.lanes.length) this.lanes.push(this.node.connection.sibling());
      return lane;
    }
  }

  /**
   * Runs a claimed attempt; a dropped node is retried by recovery a bounded number of times. `known`
   * is the workload a fresh claim already read; recovery reads it here. First the job's runs are
   * made if its request stopped before making them.
   */
  private async drive(record: JobRecord, claim: ClaimedJob, cancel: AbortController, known: JobWork | null, lane: DriveLane): Promise<void> {
    const { jobId } = record;
    let work = known;
    let current = claim;
    for (let contact = 1; ; contact++) {
      try {
        work ??= await this.requireWorkload(record);
        if (record.queued !== null) await this.ledger.ensureRuns(record.queued);
        await this.driver.drive(work, current, cancel.signal, lane);
        return;
      } catch (error) {
        if (this.stopped) return;
        if (!(error instanceof NodeContactLost)) {
          // Not the node and not the model: a claim left open here would show as running forever.
          this.logger.error({ msg: 'could not run the job', node: this.node.name, jobId, error: (error as Error).stack ?? String(error) });
          const failure = { reason: 'REMOTE_ERROR' as const, message: `the worker could not run it: ${(error as Error).message ?? String(error)}`, exitCode: null };
          await this.driver.failed(jobId, claim.attempt, runIdsOf(record), failure);
          return;
        }
        if (contact >= this.settings.contactAttempts) {
          const failure = { reason: 'SSH_FAILURE' as const, message: `${this.node.name} stopped answering: ${error.message}`, exitCode: null };
          await this.driver.failed(jobId, claim.attempt, runIdsOf(record), failure);
          return;
        }
        // Not reported as the node down: a killed `docker wait` ends so on a node that answers;
        // the connection's own failed attempts report a node that does not (NodeContact.follow).
        this.logger.warn({ msg: 'lost the node mid-job; recovering', node: this.node.name, jobId, contact, error: error.message });
        await this.wakeup.sleep(this.settings.contactBackoffMs * 2 ** (contact - 1));
        // The container may have finished meanwhile, or vanished: recovery's rules decide again.
        const state = await this.ledger.jobState(jobId);
        if (state.status !== 'Claimed') return;
        current = state;
        const observed = await observeContainer(this.node, state.containerName).catch(() => null);
        if (observed === null) continue;
        const action = recoveryAction(state, observed, this.settings.maxAttempts);
        if (action !== 'reattach' && action !== 'finalize') {
          await this.recover(jobId);
          return;
        }
      }
    }
  }

  /** A claim whose container never started (release, or INTERRUPTED when out of attempts), or vanished while running. */
  private async interrupted(record: JobRecord, claim: ClaimedJob, action: 'release' | 'fail_interrupted', why?: string): Promise<void> {
    const { jobId } = record;
    const runIds = runIdsOf(record);
    const reason = why ?? `the worker stopped while ${claim.stage ?? 'claimed'} on ${this.node.name}`;
    if (action === 'fail_interrupted') {
      const message = claim.stage === 'running' ? `${reason}, and its container is gone` : `${reason} (attempt ${claim.attempt} of ${this.settings.maxAttempts})`;
      await this.driver.failed(jobId, claim.attempt, runIds, { reason: 'INTERRUPTED', message, exitCode: null });
      return;
    }
    const events = await this.ledger.release(jobId, claim.attempt, reason, this.settings.maxAttempts);
    const ended = events.find((event) => event.type === 'JobFailed' || event.type === 'JobCancelled');
    if (ended?.type === 'JobFailed') {
      for (const runId of runIds) await this.ledger.failRun(jobId, claim.attempt, runId, ended.data);
    } else if (ended?.type === 'JobCancelled') {
      for (const runId of runIds) await this.ledger.cancelRun(jobId, runId, ended.data.reason, ended.data.by);
    } else {
      this.wakeup.notify();
    }
  }

  private async workloadFrom(queued: JobQueued['data'] | null): Promise<JobWork | null> {
    return queued === null ? null : workloadOf(queued, this.catalog);
  }

  private async requireWorkload(record: JobRecord): Promise<JobWork> {
    const work = await this.workloadFrom(record.queued);
    if (work === null) throw new Error(`job ${record.jobId}: its stream holds no JobQueued, or the catalog does not show its runs`);
    return work;
  }

  private async guard(what: string, step: () => Promise<boolean | void>): Promise<boolean> {
    try {
      const done = (await step()) === true;
      await this.contact.reached();
      const failures = this.failures.succeeded();
      if (failures > 0) this.logger.log({ msg: `could ${what} again`, node: this.node.name, failuresBefore: failures });
      return done;
    } catch (error) {
      if (this.stopped) return false;
      const message = (error as Error).message ?? String(error);
      if (isNodeUnreachable(error)) await this.contact.lost(message);
      const { log, repeats } = this.failures.failed(`${what}: ${message}`);
      if (log) this.logger.error({ msg: `could not ${what}`, node: this.node.name, repeats, error: repeats === 1 ? ((error as Error).stack ?? message) : message });
      return false;
    }
  }
}

function runIdsOf(record: JobRecord): readonly string[] {
  return record.queued?.runIds ?? [];
}
