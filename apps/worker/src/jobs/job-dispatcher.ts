import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { COSMOS_CONFIG, type CosmosConfig } from '../../../../libs/config/src/index.js';
import { SYSTEM_ACTORS } from '../../../../libs/auth/src/index.js';
import { CLOCK, type Clock, EVENT_STORE, EVENT_TYPE_REGISTRY, EventSourcedCommandHandler, type EventStore, type EventTypeRegistry } from '../../../../libs/eventstore/src/index.js';
import { ids, QUEUE_STREAM, QueueAlreadyPaused, queueDecider } from '../../../../libs/domain/src/index.js';
import { GPU_NODES, type GpuNodes } from '../../../../libs/gpu/src/index.js';
import { DOCUMENT_STORE, DocumentCatalogQueries, type DocumentStore } from '../../../../libs/read-models/src/index.js';
import { JobBoard } from './job-board.js';
import { JobDriver } from './job-driver.js';
import { JobLedger } from './job-ledger.js';
import { NodeContact } from './node-contact.js';
import { NodeWorker } from './node-worker.js';
import { Wakeup } from './wakeup.js';

/** A node that drops mid-job is asked again this often (1, 2, 4 s apart) before its job fails SSH_FAILURE. */
const CONTACT_ATTEMPTS = 4;
const CONTACT_BACKOFF_MS = 1000;

/**
 * The worker's job saga: one NodeWorker per GPU node, woken by the job board (its own subscription
 * to the job and queue streams) and a poll, told about cancel requests for the job it runs.
 * Shutdown lets go without killing anything: containers keep running and the next start
 * re-attaches to them.
 */
@Injectable()
export class JobDispatcher implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('JobDispatcher');
  private readonly wakeup = new Wakeup();
  private readonly workers: NodeWorker[] = [];
  private readonly board: JobBoard;
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
    @Inject(EVENT_TYPE_REGISTRY) registry: EventTypeRegistry,
  ) {
    const listener = {
      workMayBeWaiting: () => this.wakeup.notify(),
      cancelRequested: (jobId: string) => {
        for (const worker of this.workers) worker.cancelRequested(jobId);
      },
    };
    this.board = new JobBoard(events, documents, registry, listener, this.logger);
  }

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
      const driver = new JobDriver(node, ledger, driving, this.logger);
      const contact = new NodeContact(node.name, this.commands, this.clock, SYSTEM_ACTORS.worker, this.logger);
      this.unfollow.push(contact.follow(node.connection));
      this.workers.push(new NodeWorker(node, driver, ledger, this.commands, this.board, catalog, this.wakeup, contact, working, this.logger));
    }
    // In the background: a node that is down must not hold up the API.
    this.running = this.start();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    for (const worker of this.workers) worker.stop();
    // Closing the connections below is our doing, not the node going away.
    for (const unfollow of this.unfollow) unfollow();
    this.wakeup.stop();
    await this.board.close();
    // Following a container is I/O on the node's connection: closing it ends every follow at once.
    await this.nodes.close();
    await this.running;
  }

  private async start(): Promise<void> {
    // A worker without nodes has nothing to claim or recover: it keeps no board.
    if (this.workers.length === 0) return;
    // Recovery and the first claim see every claim the log held at start.
    while (!(await this.startBoard())) await this.wakeup.sleep(this.config.jobs.pollIntervalMs);
    if (this.stopping) return;
    if (this.config.jobs.pauseWhenRecovering) await this.pauseIfRecovering();
    await Promise.all(this.workers.map((worker) => worker.run()));
  }

  /** False when a store did not answer: the caller tries again. */
  private async startBoard(): Promise<boolean> {
    if (this.stopping) return true;
    try {
      await this.board.start();
      return true;
    } catch (error) {
      this.logger.warn({ msg: 'could not read the job board; trying again', error: (error as Error).message ?? String(error) });
      return false;
    }
  }

  /**
   * Jobs our nodes held when the last process stopped mean it stopped mid-job, often a crash: the
   * operator chose to look before new work starts. The held jobs are recovered regardless.
   */
  private async pauseIfRecovering(): Promise<void> {
    const nodes = this.nodes.list().map((node) => node.name);
    const held = this.board.heldBy(nodes);
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
}
