import type { Logger } from '@nestjs/common';
import { compareQueued, type JobEvent, jobStream, QUEUE_STREAM } from '../../../../libs/domain/src/index.js';
import { type AllSubscription, type EventStore, type EventTypeRegistry, inBatches, type RecordedEvent } from '../../../../libs/eventstore/src/index.js';
import type { DocumentStore, WriteOp } from '../../../../libs/read-models/src/index.js';
import { evolveOpenJob, type OpenJob, queuedRef } from './open-jobs.js';

const JOB_STREAM_PREFIX = jobStream('');
/** The board's documents and checkpoint in the document store: a restart folds only what came after. */
export const BOARD_COLLECTION = 'worker_open_jobs';
export const BOARD_CHECKPOINT = 'worker-open-jobs';
const BOARD_FILTER = { streamPrefixes: [JOB_STREAM_PREFIX, QUEUE_STREAM] };
const BATCH_SIZE = 500;
/** A subscription that fails (the store restarted) is opened again from the board's position after this. */
const RESUBSCRIBE_MS = 1000;

type Stored = OpenJob & { readonly _position: number; readonly [field: string]: unknown };

/** What the board tells the worker as events arrive. */
export interface BoardListener {
  /** A job may be claimable: queued, released, reprioritized, or the queue resumed. */
  workMayBeWaiting(): void;
  cancelRequested(jobId: string): void;
}

/**
 * The worker's view of open jobs, folded from the job and queue streams by its own subscription,
 * with its own checkpoint: no read model and no other process's projection stands between an
 * event and the worker acting on it. `start` resolves once the board holds everything the log
 * held when it was called, so recovery and the first claim see every claim the log knows.
 */
export class JobBoard {
  private readonly jobs = new Map<string, Stored>();
  private position = 0;
  private persisted = 0;
  private readonly dirty = new Set<string>();
  private subscription: AllSubscription | null = null;
  private following: Promise<void> = Promise.resolve();
  private closed = false;
  private caughtUp: { readonly head: number; readonly resolve: () => void } | null = null;

  constructor(
    private readonly events: EventStore,
    private readonly documents: DocumentStore,
    private readonly registry: EventTypeRegistry,
    private readonly listener: BoardListener,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    const [checkpoint, stored] = await Promise.all([this.documents.getCheckpoint(BOARD_CHECKPOINT), this.documents.find<Stored>(BOARD_COLLECTION)]);
    this.position = this.persisted = checkpoint ?? 0;
    for (const job of stored) this.jobs.set(job.id, job);
    const head = await this.events.headPosition();
    const caughtUp = new Promise<void>((resolve) => {
      if (head <= this.position) resolve();
      else this.caughtUp = { head, resolve };
    });
    this.following = this.follow();
    await caughtUp;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.caughtUp?.resolve();
    await this.subscription?.close();
    await this.following;
    await this.persist(true).catch(() => undefined);
  }

  /** Queued jobs in claim order: priority first, then FIFO. */
  queued(): OpenJob[] {
    return [...this.jobs.values()].filter((job) => job.status === 'queued').sort((a, b) => compareQueued(queuedRef(a), queuedRef(b)));
  }

  /** Jobs the log says `node` holds. */
  heldBy(nodes: readonly string[]): OpenJob[] {
    return [...this.jobs.values()].filter((job) => job.status === 'claimed' && job.node !== null && nodes.includes(job.node));
  }

  private async follow(): Promise<void> {
    while (!this.closed) {
      try {
        this.subscription = this.events.subscribeToAll({ afterPosition: this.position, filter: BOARD_FILTER });
        for await (const turn of inBatches(this.subscription, BATCH_SIZE)) {
          if (turn.kind === 'idle') {
            await this.settle();
            continue;
          }
          for (const event of turn.events) this.fold(event);
          if (this.dirty.size >= BATCH_SIZE) await this.persist();
        }
      } catch (error) {
        if (this.closed) return;
        this.logger.warn({ msg: 'job board subscription failed; resubscribing', position: this.position, error: (error as Error).message ?? String(error) });
        await new Promise((resolve) => setTimeout(resolve, RESUBSCRIBE_MS));
      }
    }
  }

  private fold(recorded: RecordedEvent): void {
    if (recorded.position <= this.position) return;
    this.position = recorded.position;
    if (recorded.streamId === QUEUE_STREAM) {
      if (recorded.type === 'QueueResumed') this.listener.workMayBeWaiting();
    } else {
      this.foldJob(recorded);
    }
    if (this.caughtUp !== null && this.position >= this.caughtUp.head) {
      this.caughtUp.resolve();
      this.caughtUp = null;
    }
  }

  private foldJob(recorded: RecordedEvent): void {
    const jobId = recorded.streamId.slice(JOB_STREAM_PREFIX.length);
    const before = this.jobs.get(jobId) ?? null;
    // A stored document already past this event (MongoDB writes ahead of its checkpoint) keeps it.
    if (before !== null && before._position >= recorded.position) return;
    const event = this.registry.toDomainEvent<JobEvent>(recorded);
    const after = evolveOpenJob(before, jobId, event);
    if (after === before) return;
    if (after === null) this.jobs.delete(jobId);
    else this.jobs.set(jobId, { ...after, _position: recorded.position });
    this.dirty.add(jobId);
    if (after?.status === 'queued' && (before?.status !== 'queued' || before.priority !== after.priority)) this.listener.workMayBeWaiting();
    if (after?.cancelRequested && !before?.cancelRequested) this.listener.cancelRequested(jobId);
  }

  /**
   * Nothing is buffered: write what changed, and if start() waits, tell it whether the log holds
   * anything for the board past what it folded (the log's head may be another stream's event).
   */
  private async settle(): Promise<void> {
    await this.persist();
    if (this.caughtUp === null) return;
    const more = await this.events.readAll({ afterPosition: this.position, filter: BOARD_FILTER, maxCount: 1 });
    if (more.length > 0) return;
    this.caughtUp.resolve();
    this.caughtUp = null;
  }

  /**
   * Writes what changed since the last write, with the position it reflects; on failure it stays
   * to write. Events that changed no open job (a stage's percent, another job's runs) move only
   * the position: that is written with the next change or at close, not once per event, and a
   * restart from the older position folds them again to the same board.
   */
  private async persist(closing = false): Promise<void> {
    if (this.position === this.persisted || (this.dirty.size === 0 && !closing)) return;
    const position = this.position;
    const ops: WriteOp[] = [...this.dirty].map((id) => {
      const job = this.jobs.get(id);
      return job === undefined ? { kind: 'delete', collection: BOARD_COLLECTION, id } : { kind: 'upsert', collection: BOARD_COLLECTION, doc: job };
    });
    await this.documents.applyBatch(ops, { name: BOARD_CHECKPOINT, position });
    this.dirty.clear();
    this.persisted = position;
  }
}
