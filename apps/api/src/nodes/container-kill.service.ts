import { Inject, Injectable } from '@nestjs/common';
import { COSMOS_CONFIG, type CosmosConfig } from '../../../../libs/config/src/index.js';
import { jobDecider } from '../../../../libs/domain/src/job/job.decider.js';
import { JobNotActive, JobNotClaimed } from '../../../../libs/domain/src/job/job.errors.js';
import { jobStream } from '../../../../libs/domain/src/job/job.events.js';
import { runDecider } from '../../../../libs/domain/src/run/run.decider.js';
import { RunNotActive, RunNotFound } from '../../../../libs/domain/src/run/run.errors.js';
import { runStream } from '../../../../libs/domain/src/run/run.events.js';
import { EVENT_STORE, type EventStore } from '../../../../libs/eventstore/src/event-store.port.js';
import { lastEvent } from '../../../../libs/eventstore/src/last-event.js';
import { GpuTransportError } from '../../../../libs/gpu/src/gpu.errors.js';
import { killCosmosContainer, listCosmosContainers, type CosmosContainer } from '../../../../libs/gpu/src/nodes/cosmos-containers.js';
import { GPU_NODES, type GpuNode, type GpuNodes } from '../../../../libs/gpu/src/nodes/gpu-node.js';
import { PROBE_COMMAND_TIMEOUT_MS } from '../../../../libs/gpu/src/nodes/node-probe.js';
import { DOCUMENT_STORE, type DocumentStore } from '../../../../libs/read-models/src/document-store.port.js';
import { ACTIVE_JOB_STATUSES, type JobDoc } from '../../../../libs/read-models/src/jobs/job.doc.js';
import { jobsProjection } from '../../../../libs/read-models/src/jobs/jobs.projection.js';
import { job as readJob } from '../../../../libs/read-models/src/jobs/jobs.queries.js';
import { ReadModelConsistency } from '../../../../libs/read-models/src/projections/read-model.consistency.js';
import { runsProjection } from '../../../../libs/read-models/src/runs/runs.projection.js';
import { CommandIssuer } from '../graphql/command.issuer.js';
import type { RequestContext } from '../graphql/request-context.js';
import { GpuNodeNotFound, KillNotConfirmed } from './gpu-node.errors.js';
import { GpuNodeStatuses } from './gpu-node-statuses.service.js';

/** A container to kill, and the job it is the current attempt of (null: a leftover, or a job already over). */
interface KillTarget {
  readonly container: CosmosContainer;
  readonly job: JobDoc | null;
}

export interface KillReport {
  readonly node: string;
  readonly killed: readonly CosmosContainer[];
  readonly jobIds: readonly string[];
  readonly failures: readonly { readonly name: string; readonly message: string }[];
  readonly checkedAt: string;
}

const KILL_TIMEOUT_MS = 10_000;

/**
 * The kill switch: ends every container of ours on one node, by name, never anything else there.
 * Each killed job is failed (KILLED) before its container dies, so the worker following it finds
 * the job already finished and records nothing else. Command ids derive from the job's attempt,
 * so a repeat (after a crash between the two steps, say) records nothing twice and kills what is left.
 */
@Injectable()
export class ContainerKillSwitch {
  constructor(
    @Inject(GPU_NODES) private readonly nodes: GpuNodes,
    @Inject(DOCUMENT_STORE) private readonly documents: DocumentStore,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(COSMOS_CONFIG) private readonly config: CosmosConfig,
    private readonly consistency: ReadModelConsistency,
    private readonly commands: CommandIssuer,
    private readonly statuses: GpuNodeStatuses,
  ) {}

  /** Without `confirm` it throws KillNotConfirmed naming what would be killed. */
  async kill(nodeName: string, confirm: boolean, request: RequestContext): Promise<KillReport> {
    const node = this.nodes.get(nodeName);
    if (node === undefined) throw new GpuNodeNotFound(nodeName, this.nodes.list().map((known) => known.name));
    const targets = await this.targets(node);
    const checkedAt = this.commands.now();
    const containers = targets.map((target) => target.container);
    if (!confirm) {
      const active = targets.flatMap(({ job }) => (job !== null && isActive(job) ? [job.id] : []));
      throw new KillNotConfirmed(node.name, containers, active, checkedAt);
    }

    const jobIds: string[] = [];
    for (const target of targets) {
      if (target.job !== null && (await this.failJob(node, target.container, target.job, request))) jobIds.push(target.job.id);
    }
    const outcomes = await Promise.all(targets.map(({ container }) => this.killOne(node, container)));
    this.statuses.refresh();
    return {
      node: node.name,
      killed: containers.filter((_container, index) => outcomes[index] === null),
      jobIds,
      failures: containers.flatMap((container, index) => (outcomes[index] === null ? [] : [{ name: container.name, message: outcomes[index]! }])),
      checkedAt,
    };
  }

  /**
   * Our running containers and their jobs. The jobs read model is first brought up to each job
   * stream's last event (bounded), so a claim recorded just before its container started is not
   * missed. (Not to the log's head: the jobs checkpoint only moves with job events.)
   */
  private async targets(node: GpuNode): Promise<KillTarget[]> {
    const listing = await listCosmosContainers(node, PROBE_COMMAND_TIMEOUT_MS);
    if (!listing.ok) throw new Error(`${node.name}: ${listing.error}`);
    return Promise.all(
      listing.containers.map(async (container) => {
        const last = await lastEvent(this.events, jobStream(container.jobId));
        if (last !== null) await this.consistency.waitFor(jobsProjection.name, last.position, this.config.projections.consistencyTimeoutMs);
        const job = await readJob(this.documents, container.jobId);
        // Only the job's current attempt: a leftover of an earlier one is killed without touching the job.
        const current = job !== null && job.containerName === container.name && (isActive(job) || job.status === 'failed');
        return { container, job: current ? job : null };
      }),
    );
  }

  /**
   * True when the job now stands failed by this kill (now, or by the same kill before). A job that
   * another ending reached first (it succeeded, was cancelled, failed otherwise) is left as it is.
   */
  private async failJob(node: GpuNode, container: CosmosContainer, job: JobDoc, request: RequestContext): Promise<boolean> {
    const step = `${job.id}:killed:a${job.attempts}`;
    const message = `killed by ${request.actor} with the kill switch of GPU node ${node.name} (container ${container.name})`;
    const failure = { reason: 'KILLED' as const, message, exitCode: null, now: this.commands.now() };
    try {
      await this.commands.issue(jobDecider, { type: 'FailJob', jobId: job.id, ...failure }, request, {
        streamId: jobStream(job.id),
        commandId: step,
        readModels: [jobsProjection.name],
      });
    } catch (error) {
      if (error instanceof JobNotActive || error instanceof JobNotClaimed) return false;
      throw error;
    }
    for (const runId of job.runIds) {
      try {
        await this.commands.issue(runDecider, { type: 'FailRun', runId, ...failure }, request, {
          streamId: runStream(runId),
          commandId: `${step}:${runId}`,
          readModels: [runsProjection.name],
        });
      } catch (error) {
        // Runs of a batch that already ended keep their own ending.
        if (!(error instanceof RunNotActive || error instanceof RunNotFound)) throw error;
      }
    }
    return true;
  }

  /** Null when the container is gone, else why not. */
  private async killOne(node: GpuNode, container: CosmosContainer): Promise<string | null> {
    try {
      const outcome = await killCosmosContainer(node, container.name, KILL_TIMEOUT_MS);
      return outcome.ok ? null : outcome.error;
    } catch (error) {
      if (error instanceof GpuTransportError) return error.message;
      throw error;
    }
  }
}

function isActive(job: JobDoc): boolean {
  return (ACTIVE_JOB_STATUSES as readonly string[]).includes(job.status);
}
