import { Inject, Injectable } from '@nestjs/common';
import { COSMOS_CONFIG, type CosmosConfig } from '../../../../libs/config/src/index.js';
import { jobDecider, JobNotActive, JobNotClaimed, jobStream, killPlan, type KillStep, type KillTarget, runDecider, RunNotActive, RunNotFound, runStream } from '../../../../libs/domain/src/index.js';
import { EVENT_STORE, type EventStore, lastEvent } from '../../../../libs/eventstore/src/index.js';
import { type CosmosContainer, GPU_NODES, type GpuNode, type GpuNodes, GpuTransportError, killCosmosContainer, listCosmosContainers, PROBE_COMMAND_TIMEOUT_MS } from '../../../../libs/gpu/src/index.js';
import { DOCUMENT_STORE, type DocumentStore, job as readJob, jobsProjection, ReadModelConsistency, runsProjection } from '../../../../libs/read-models/src/index.js';
import { CommandIssuer } from '../graphql/command.issuer.js';
import type { RequestContext } from '../graphql/request-context.js';
import { GpuNodeNotFound, KillNotConfirmed } from './gpu-node.errors.js';
import { GpuNodeStatuses } from './gpu-node-statuses.service.js';

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
 * What it does is killPlan's (libs/domain): this issues the plan's steps in order, treating each
 * refusal as the plan says, then kills every container. A repeat (after a crash between the two
 * steps, say) records nothing twice and kills what is left.
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
    const containers = await this.containers(node);
    const plan = killPlan(node.name, await this.targets(containers), request.actor);
    const checkedAt = this.commands.now();
    if (!confirm) throw new KillNotConfirmed(node.name, containers, plan.jobIds, checkedAt);

    const jobIds = await this.issue(plan.steps, request);
    const outcomes = await Promise.all(containers.map((container) => this.killOne(node, container)));
    this.statuses.refresh();
    return {
      node: node.name,
      killed: containers.filter((_container, index) => outcomes[index] === null),
      jobIds,
      failures: containers.flatMap((container, index) => (outcomes[index] === null ? [] : [{ name: container.name, message: outcomes[index]! }])),
      checkedAt,
    };
  }

  private async containers(node: GpuNode): Promise<readonly CosmosContainer[]> {
    const listing = await listCosmosContainers(node, PROBE_COMMAND_TIMEOUT_MS);
    if (!listing.ok) throw new Error(`${node.name}: ${listing.error}`);
    return listing.containers;
  }

  /**
   * Each container with its job as the jobs read model has it. The read model is first brought up
   * to each job stream's last event (bounded), so a claim recorded just before its container
   * started is not missed. (Not to the log's head: the jobs checkpoint only moves with job events.)
   */
  private targets(containers: readonly CosmosContainer[]): Promise<KillTarget[]> {
    return Promise.all(
      containers.map(async (container) => {
        const last = await lastEvent(this.events, jobStream(container.jobId));
        if (last !== null) await this.consistency.waitFor(jobsProjection.name, last.position, this.config.projections.consistencyTimeoutMs);
        return { containerName: container.name, job: await readJob(this.documents, container.jobId) };
      }),
    );
  }

  /** Issues the steps in order; answers the jobs that now stand failed by this kill (now, or by the same kill before). */
  private async issue(steps: readonly KillStep[], request: RequestContext): Promise<string[]> {
    const failed: string[] = [];
    const refused = new Set<string>();
    // One time for the whole kill: a job and its runs end at the same moment.
    const failure = { reason: 'KILLED' as const, exitCode: null, now: this.commands.now() };
    for (const step of steps) {
      if (refused.has(step.jobId)) continue;
      const options = { commandId: step.commandId };
      try {
        if (step.type === 'FailJob') {
          const command = { type: 'FailJob' as const, jobId: step.jobId, message: step.message, ...failure };
          await this.commands.issue(jobDecider, command, request, { ...options, streamId: jobStream(step.jobId), readModels: [jobsProjection.name] });
          failed.push(step.jobId);
        } else {
          const command = { type: 'FailRun' as const, runId: step.runId, message: step.message, ...failure };
          await this.commands.issue(runDecider, command, request, { ...options, streamId: runStream(step.runId), readModels: [runsProjection.name] });
        }
      } catch (error) {
        // A job another ending reached first keeps it, and so do its runs; a run that already ended keeps its own.
        if (step.type === 'FailJob' && (error instanceof JobNotActive || error instanceof JobNotClaimed)) refused.add(step.jobId);
        else if (!(step.type === 'FailRun' && (error instanceof RunNotActive || error instanceof RunNotFound))) throw error;
      }
    }
    return failed;
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
