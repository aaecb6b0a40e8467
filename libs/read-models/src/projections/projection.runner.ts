import { setTimeout as sleep } from 'node:timers/promises';
import { type AllSubscription, type EventStore, type EventTypeRegistry, inBatches, type RecordedEvent } from '../../../eventstore/src/index.js';
import type { DocumentStore } from '../document-store.port.js';
import { applyProjectionBatch } from './projection-batch.js';
import { builtVersion, projectionVersion } from './projection-version.js';
import type { Projection } from './projection.js';

export type ProjectionState = 'stopped' | 'catching_up' | 'live' | 'rebuilding' | 'failed';

export interface ProjectionStatus {
  readonly name: string;
  readonly state: ProjectionState;
  /** Position of the last event written to the read model (null: none yet). */
  readonly checkpoint: number | null;
  readonly head: number;
  /** Positions between what it reflects and the head, when an event it wants is among them; else 0. */
  readonly lag: number;
  /** The initial catch-up finished since start-up, and so did a rebuild for a new projection version. */
  readonly caughtUp: boolean;
  readonly lastError: string | null;
  readonly rebuild: RebuildProgress | null;
}

export interface RebuildProgress {
  readonly startedAt: string;
  readonly processedEvents: number;
  readonly position: number;
  readonly targetPosition: number;
  /** 0..100 */
  readonly percent: number;
  readonly finishedAt: string | null;
}

export interface RunnerOptions {
  readonly batchSize: number;
  /** Attempts per batch before the projection is marked failed (it restarts after `restartDelayMs`). */
  readonly maxAttempts?: number;
  readonly restartDelayMs?: number;
  readonly log?: (entry: { level: 'info' | 'warn' | 'error'; msg: string; [k: string]: unknown }) => void;
}

interface Live {
  readonly projection: Projection;
  state: ProjectionState;
  caughtUp: boolean;
  /** Everything up to here is reflected, including positions the filter skipped. */
  processedUpTo: number;
  lastError: string | null;
  rebuild: RebuildProgress | null;
  subscription: AllSubscription | null;
  loop: Promise<void> | null;
  /** Aborted to stop the loop: ends waits and the subscription promptly. */
  stop: AbortController;
  /** Rebuild of a read model an older projection version built; not ready until it swapped in. */
  upgrade: Promise<void> | null;
}

/**
 * Keeps each projection's read model in step with `$all`: one checkpointed catch-up subscription
 * per projection, events applied in batches with the checkpoint, status for operators, and a
 * blue/green rebuild. Only worker processes run it; API processes only read what it writes.
 */
export class ProjectionRunner {
  private readonly live = new Map<string, Live>();
  private readonly options: Required<Omit<RunnerOptions, 'log'>> & Pick<RunnerOptions, 'log'>;
  /** Aborted by `stop()`: a rebuild in flight ends at its next page and leaves the live loop stopped. */
  private halt = new AbortController();

  constructor(
    private readonly events: EventStore,
    private readonly documents: DocumentStore,
    private readonly registry: EventTypeRegistry,
    projections: readonly Projection[],
    options: RunnerOptions,
  ) {
    this.options = { maxAttempts: 5, restartDelayMs: 30_000, ...options };
    for (const projection of projections) {
      if (this.live.has(projection.name)) throw new Error(`Projection "${projection.name}" is registered twice`);
      projectionVersion(projection); // a malformed version fails here, not at the first upgrade
      this.live.set(projection.name, {
        projection,
        state: 'stopped',
        caughtUp: false,
        processedUpTo: 0,
        lastError: null,
        rebuild: null,
        subscription: null,
        loop: null,
        stop: new AbortController(),
        upgrade: null,
      });
    }
  }

  async start(): Promise<void> {
    this.halt = new AbortController();
    for (const live of this.live.values()) {
      for (const index of live.projection.indexes ?? []) await this.documents.ensureIndex(live.projection.collection, index);
      const builtBy = await builtVersion.outdated(this.documents, live.projection);
      // The live loop keeps the old read model current for readers (and read-your-writes) meanwhile.
      live.upgrade = builtBy === null ? null : this.upgrade(live, builtBy);
      this.startLoop(live);
    }
  }

  /** Ends every subscription after the batch in flight; nothing half-applied is left behind. */
  async stop(): Promise<void> {
    this.halt.abort();
    await Promise.all(
      [...this.live.values()].map(async (live) => {
        await live.upgrade;
        await this.stopLoop(live);
      }),
    );
  }

  async status(): Promise<ProjectionStatus[]> {
    const head = await this.events.headPosition();
    return Promise.all(
      [...this.live.values()].map(async (live) => {
        const checkpoint = await this.documents.getCheckpoint(live.projection.name);
        const reflected = Math.max(checkpoint ?? 0, live.processedUpTo);
        // Positions the filter skips are not lag: only count it when something it wants is pending.
        const pending = reflected < head && (await this.events.readAll({ afterPosition: reflected, filter: live.projection.filter, maxCount: 1 })).length > 0;
        return {
          name: live.projection.name,
          state: live.state,
          checkpoint,
          head,
          lag: pending ? head - reflected : 0,
          caughtUp: live.caughtUp && live.upgrade === null,
          lastError: live.lastError,
          rebuild: live.rebuild,
        };
      }),
    );
  }

  /** True once every projection finished its initial catch-up and version rebuild, and none has failed. */
  isCaughtUp(): boolean {
    return [...this.live.values()].every((live) => live.caughtUp && live.upgrade === null && live.state !== 'failed');
  }

  names(): string[] {
    return [...this.live.keys()];
  }

  /**
   * Rebuilds one projection from the first event into a fresh collection while the live one keeps
   * serving, then stops the live loop, catches the fresh collection up to the head, swaps it in
   * with its checkpoint, and resumes live processing from there.
   */
  async rebuild(name: string, onProgress?: (progress: RebuildProgress) => void): Promise<RebuildProgress> {
    const live = this.require(name);
    if (live.rebuild && !live.rebuild.finishedAt) throw new Error(`Projection "${name}" is already rebuilding`);
    try {
      return await this.rebuildAndSwap(live, onProgress);
    } catch (error) {
      // A failed or stopped rebuild is not in progress: a later one may start.
      live.rebuild = null;
      throw error;
    }
  }

  private async rebuildAndSwap(live: Live, onProgress?: (progress: RebuildProgress) => void): Promise<RebuildProgress> {
    const shadow = await this.rebuildInto(live.projection, `${live.projection.collection}__rebuild`, (progress) => {
      live.rebuild = progress;
      onProgress?.(progress);
    });
    const wasRunning = live.loop !== null;
    await this.stopLoop(live);
    live.state = 'rebuilding';
    try {
      const position = await this.catchUp(live.projection, shadow.collection, shadow.checkpoint, shadow.position, (p) => {
        live.rebuild = { ...live.rebuild!, position: p.position, processedEvents: live.rebuild!.processedEvents + p.events };
      });
      await this.documents.replaceCollection(live.projection.collection, shadow.collection);
      await this.documents.applyBatch([], { name: live.projection.name, position });
      // Only after the swap: a process stopped before it still has the old version on record.
      await builtVersion.record(this.documents, live.projection);
      await this.documents.deleteCheckpoint(shadow.checkpoint);
      live.rebuild = { ...live.rebuild!, position, percent: 100, finishedAt: new Date().toISOString() };
      onProgress?.(live.rebuild);
      return live.rebuild;
    } finally {
      if (wasRunning && !this.halt.signal.aborted) this.startLoop(live);
      else live.state = 'stopped';
    }
  }

  /**
   * Rebuilds, blue/green, a read model an older version of the projection built, retrying after a
   * failure. Stopped halfway, it leaves the old version on record, so the next start rebuilds again.
   */
  private async upgrade(live: Live, from: number): Promise<void> {
    const versions = { projection: live.projection.name, fromVersion: from, toVersion: projectionVersion(live.projection) };
    this.options.log?.({ level: 'info', msg: 'read model was built by another projection version; rebuilding it', ...versions });
    while (!this.halt.signal.aborted) {
      try {
        await this.rebuild(live.projection.name);
        this.options.log?.({ level: 'info', msg: 'read model rebuilt for the projection version', ...versions });
        live.upgrade = null;
        return;
      } catch (error) {
        if (this.halt.signal.aborted) break;
        live.lastError = error instanceof Error ? error.message : String(error);
        this.options.log?.({ level: 'error', msg: 'version rebuild failed; retrying later', ...versions, error: live.lastError });
        await sleep(this.options.restartDelayMs, undefined, { signal: this.halt.signal }).catch(() => undefined);
      }
    }
    this.options.log?.({ level: 'warn', msg: 'stopped during a version rebuild; the next start rebuilds again', ...versions });
  }

  /**
   * Folds every event into `collection` (emptied first) without touching the live read model;
   * used by rebuilds and by integrity checks that diff a shadow copy against the live documents.
   */
  async rebuildInto(
    projection: Projection,
    collection: string,
    onProgress?: (progress: RebuildProgress) => void,
  ): Promise<{ collection: string; checkpoint: string; position: number }> {
    // One checkpoint per target collection, so a rebuild and an integrity check never share one.
    const checkpoint = `${projection.name}:shadow:${collection}`;
    await this.documents.dropCollection(collection);
    await this.documents.deleteCheckpoint(checkpoint);
    for (const index of projection.indexes ?? []) await this.documents.ensureIndex(collection, index);
    const targetPosition = await this.events.headPosition();
    let progress: RebuildProgress = {
      startedAt: new Date().toISOString(),
      processedEvents: 0,
      position: 0,
      targetPosition,
      percent: targetPosition === 0 ? 100 : 0,
      finishedAt: null,
    };
    onProgress?.(progress);
    const position = await this.catchUp(projection, collection, checkpoint, 0, (p) => {
      progress = {
        ...progress,
        processedEvents: progress.processedEvents + p.events,
        position: p.position,
        percent: targetPosition === 0 ? 100 : Math.min(100, Math.floor((p.position / targetPosition) * 100)),
      };
      onProgress?.(progress);
    });
    return { collection, checkpoint, position };
  }

  /** Reads `$all` page by page from `after` to the current head into `collection`. */
  private async catchUp(
    projection: Projection,
    collection: string,
    checkpoint: string,
    after: number,
    onPage: (page: { events: number; position: number }) => void,
  ): Promise<number> {
    let position = after;
    for (;;) {
      this.halt.signal.throwIfAborted();
      const page = await this.events.readAll({ afterPosition: position, filter: projection.filter, maxCount: this.options.batchSize });
      if (page.length === 0) return position;
      await applyProjectionBatch(this.documents, projection, page.map((e) => this.registry.upcast(e)), { collection, checkpoint });
      position = page[page.length - 1].position;
      onPage({ events: page.length, position });
    }
  }

  private startLoop(live: Live): void {
    live.stop = new AbortController();
    live.loop = this.runLoop(live);
  }

  private async stopLoop(live: Live): Promise<void> {
    live.stop.abort();
    await live.subscription?.close();
    await live.loop;
    live.loop = null;
    live.state = 'stopped';
  }

  private async runLoop(live: Live): Promise<void> {
    while (!live.stop.signal.aborted) {
      try {
        await this.follow(live);
      } catch (error) {
        live.state = 'failed';
        live.lastError = error instanceof Error ? error.message : String(error);
        this.options.log?.({ level: 'error', msg: 'projection failed; restarting from its checkpoint later', projection: live.projection.name, error: live.lastError });
        await this.pause(live, this.options.restartDelayMs);
      }
    }
  }

  private async follow(live: Live): Promise<void> {
    const { projection } = live;
    const checkpoint = await this.documents.getCheckpoint(projection.name);
    live.state = live.caughtUp ? 'live' : 'catching_up';
    const subscription = this.events.subscribeToAll({ afterPosition: checkpoint ?? undefined, filter: projection.filter });
    live.subscription = subscription;
    let applied = checkpoint ?? 0;
    try {
      for await (const turn of inBatches(subscription, this.options.batchSize)) {
        // Nothing buffered: before waiting for the next event, note that everything so far is reflected.
        if (turn.kind === 'idle') {
          await this.markIdle(live, applied);
          continue;
        }
        if (live.stop.signal.aborted) return;
        await this.applyWithRetry(live, turn.events);
        applied = turn.events[turn.events.length - 1]!.position;
      }
    } finally {
      live.subscription = null;
      await subscription.close();
    }
  }

  private async applyWithRetry(live: Live, batch: RecordedEvent[]): Promise<void> {
    const upcast = batch.map((e) => this.registry.upcast(e));
    for (let attempt = 1; ; attempt++) {
      try {
        await applyProjectionBatch(this.documents, live.projection, upcast, { collection: live.projection.collection, checkpoint: live.projection.name });
        live.processedUpTo = Math.max(live.processedUpTo, batch[batch.length - 1].position);
        live.lastError = null;
        return;
      } catch (error) {
        if (attempt >= this.options.maxAttempts) throw error;
        this.options.log?.({ level: 'warn', msg: 'projection batch failed; retrying', projection: live.projection.name, attempt, error: String(error) });
        await this.pause(live, 100 * 2 ** attempt);
      }
    }
  }

  /** Nothing is buffered: if nothing the projection wants is stored either, it is caught up to the head. */
  private async markIdle(live: Live, after: number): Promise<void> {
    const head = await this.events.headPosition();
    const more = await this.events.readAll({ afterPosition: after, filter: live.projection.filter, maxCount: 1 });
    if (more.length > 0) return;
    live.processedUpTo = Math.max(live.processedUpTo, head);
    live.caughtUp = true;
    live.state = 'live';
  }

  private async pause(live: Live, ms: number): Promise<void> {
    await sleep(ms, undefined, { signal: live.stop.signal }).catch(() => undefined);
  }

  private require(name: string): Live {
    const live = this.live.get(name);
    if (!live) throw new Error(`Unknown projection "${name}"; known: ${[...this.live.keys()].join(', ')}`);
    return live;
  }
}

