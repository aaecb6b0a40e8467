import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { COSMOS_CONFIG, type CosmosConfig } from '../../../../libs/config/src/index.js';
import { SYSTEM_ACTORS } from '../../../../libs/auth/src/roles.js';
import { CLOCK, type Clock } from '../../../../libs/eventstore/src/clock.js';
import { EventSourcedCommandHandler } from '../../../../libs/eventstore/src/commands/event-sourced.command-handler.js';
import { QueueAlreadyPaused, queueDecider } from '../../../../libs/domain/src/queue/queue.decider.js';
import { QUEUE_STREAM } from '../../../../libs/domain/src/queue/queue.events.js';
import { EVENT_STORE, type EventStore } from '../../../../libs/eventstore/src/event-store.port.js';
import { ids } from '../../../../libs/domain/src/shared/ids.js';
import { GPU_NODES, type GpuNodes } from '../../../../libs/gpu/src/nodes/gpu-node.js';
import { DocumentCatalogQueries } from '../../../../libs/read-models/src/catalog/catalog.queries.js';
import { DOCUMENT_STORE, type DocumentStore, type DocumentWatch } from '../../../../libs/read-models/src/document-store.port.js';
import { ACTIVE_JOB_STATUSES, type JobDoc } from '../../../../libs/read-models/src/jobs/job.doc.js';
import { JOBS_COLLECTION } from '../../../../libs/read-models/src/jobs/jobs.projection.js';
import { ProjectionRunner } from '../../../../libs/read-models/src/projections/projection.runner.js';
import { QUEUE_COLLECTION } from '../../../../libs/read-models/src/queue/queue.projection.js';
import type { RunDoc } from '../../../../libs/read-models/src/runs/run.doc.js';
import { runsProjection } from '../../../../libs/read-models/src/runs/runs.projection.js';
import { JobDriver } from './job-driver.js';
import { JobLedger } from './job-ledger.js';
import { NodeContact } from './node-contact.js';
import { NodeWorker } from './node-worker.js';
import { Wakeup } from './wakeup.js';

/** How long start-up waits for the jobs read model to show every claim before recovering. */
const STARTUP_CATCH_UP_MS = 30_000;
/** A node that drops mid-job is asked again this often (1, 2, 4 s apart) before its job fails SSH_FAILURE. */
const CONTACT_ATTEMPTS = 4;
const CONTACT_BACKOFF_MS = 1000;

/**
 * The worker's job saga: one NodeWorker per GPU node, woken by changes to the jobs and queue read
 * models (and a poll), told about cancel requests for the job it runs. Shutdown lets go without
 * killing anything: containers keep running and the next start re-attaches to them.
 */
@Injectable()
export class JobDispatcher implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('JobDispatcher');
  private readonly wakeup = new Wakeup();
  private readonly workers: NodeWorker[] = [];
  private readonly watches: DocumentWatch[] = [];
  private readonly unfollow: (() => void)[] = [];
  private running: Promise<unknown> = Promise.resolve();
  private stopping = false;

  constructor(
    @Inject(GPU_NODES) private readonly nodes: GpuNodes,
    @Inject(DOCUMENT_STORE) private readonly documents: DocumentStore,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(COSMOS_CONFIG) private readonly config: CosmosConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly commands: EventSourcedCommandHandler,
    private readonly projections: ProjectionRunner,
  ) {}

  onApplicationBootstrap(): void {
    const catalog = new DocumentCatalogQueries(this.documents);
    const { jobs, paths, generation } = this.config;
    const driving = {
      inputsRoot: paths.inputsRoot,
      outputsRoot: paths.outputsRoot,
      timeoutSeconds: {
        inference: jobs.inferenceTimeoutSeconds,
        batch_inference: jobs.inferenceTimeoutSeconds,
        upscale: jobs.upscaleTimeoutSeconds,
        enhance: jobs.enhanceTimeoutSeconds,
      },
      defaultNegativePrompt: generation.negativePrompt,
    };
    const working = { maxAttempts: jobs.maxAttempts, pollIntervalMs: jobs.pollIntervalMs, contactAttempts: CONTACT_ATTEMPTS, contactBackoffMs: CONTACT_BACKOFF_MS };
    for (const node of this.nodes.list()) {
      const ledger = new JobLedger(this.commands, this.events, this.clock, SYSTEM_ACTORS.worker);
      const driver = new JobDriver(node, ledger, catalog, driving, this.logger);
      const contact = new NodeContact(node.name, this.commands, this.clock, SYSTEM_ACTORS.worker, this.logger);
      this.unfollow.push(contact.follow(node.connection));
      this.workers.push(new NodeWorker(node, driver, ledger, this.commands, this.documents, catalog, this.wakeup, contact, working, this.logger));
    }
    this.watch(JOBS_COLLECTION, (doc) => this.onJobChange(doc as JobDoc | null));
    this.watch(QUEUE_COLLECTION, () => this.wakeup.notify());
    // A request appends its job before its runs: the last run showing up is when the job can go.
    this.watch(runsProjection.collection, (doc) => {
      if ((doc as RunDoc | null)?.status === 'pending') this.wakeup.notify();
    });
    // In the background: a node that is down must not hold up the API.
    this.running = this.start();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    for (const worker of this.workers) worker.stop();
    // Closing the connections below is our doing, not the node going away.
    for (const unfollow of this.unfollow) unfollow();
    this.wakeup.stop();
    await Promise.all(this.watches.map((watch) => watch.close()));
    // Following a container is I/O on the node's connection: closing it ends every follow at once.
    await this.nodes.close();
    await this.running;
  }

  private async start(): Promise<void> {
    // Recovery reads the claims from the jobs read model: let it show everything the log holds.
    const deadline = Date.now() + STARTUP_CATCH_UP_MS;
    while (!this.projections.isCaughtUp() && Date.now() < deadline && !this.stopping) await this.wakeup.sleep(50);
    if (!this.projections.isCaughtUp()) this.logger.warn({ msg: 'read models still catching up; recovering from what they show' });
    if (this.config.jobs.pauseWhenRecovering) await this.pauseIfRecovering();
    await Promise.all(this.workers.map((worker) => worker.run()));
  }

  /**
   * Jobs our nodes held when the last process stopped mean it stopped mid-job, often a crash: the
   * operator chose to look before new work starts. The held jobs are recovered regardless.
   */
  private async pauseIfRecovering(): Promise<void> {
    const nodes = this.nodes.list().map((node) => node.name);
    const held = await this.documents.find<JobDoc>(JOBS_COLLECTION, { status: { $in: [...ACTIVE_JOB_STATUSES] }, node: { $in: nodes } });
    if (held.length === 0) return;
    const reason = `the worker restarted while its nodes held ${held.length} job(s): ${held.map((job) => job.id).join(', ')} (jobs.pause_when_recovering)`;
    const now = this.clock.now().toISOString();
    try {
      await this.commands.handle(queueDecider, QUEUE_STREAM, { type: 'PauseQueue', actor: SYSTEM_ACTORS.worker, reason, now }, { commandId: ids.command(), actor: SYSTEM_ACTORS.worker, now });
      this.logger.warn({ msg: 'queue paused: recovering jobs a stopped worker held', jobIds: held.map((job) => job.id) });
    } catch (error) {
      if (!(error instanceof QueueAlreadyPaused)) throw error;
    }
  }

  private onJobChange(doc: JobDoc | null): void {
    if (doc === null) return;
    // Queued (new, released or reprioritized): idle nodes look again. Finished jobs free no other node.
    if (doc.status === 'queued') this.wakeup.notify();
    const active = (ACTIVE_JOB_STATUSES as readonly string[]).includes(doc.status);
    if (active && doc.cancelRequested !== null) for (const worker of this.workers) worker.cancelRequested(doc.id);
  }

  private watch(collection: string, onChange: (doc: unknown) => void): void {
    const watch = this.documents.watch(collection);
    this.watches.push(watch);
    void (async () => {
      for await (const change of watch) onChange(change.operation === 'upsert' ? change.doc : null);

    })().catch((error: unknown) => this.logger.warn({ msg: 'read-model watch ended', collection, error: String(error) }));
  }
}
