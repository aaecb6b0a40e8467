import { ACTIVE_JOB_STATUSES, type JobStatus } from '../job/job-status.js';

/** A running container of ours on the node, and what the jobs read model says of the job it names. */
export interface KillTarget {
  readonly containerName: string;
  readonly job: {
    readonly id: string;
    readonly status: JobStatus;
    readonly attempts: number;
    /** The container of the job's current (or last) attempt. */
    readonly containerName: string | null;
    readonly runIds: readonly string[];
  } | null;
}

/**
 * One command of the kill, with the command id that makes a repeat record nothing twice. A
 * refusal is part of the plan: a job another ending reached first is not counted as killed and
 * its runs keep their own endings; a run that already ended (or never was) is left as it is.
 */
export type KillStep =
  | { readonly type: 'FailJob'; readonly jobId: string; readonly commandId: string; readonly message: string; readonly ifRefused: 'skip its runs, not killed by us' }
  | { readonly type: 'FailRun'; readonly jobId: string; readonly runId: string; readonly commandId: string; readonly message: string; readonly ifRefused: 'leave the run as it is' };

export interface KillPlan {
  /** In order: each job failed before its runs, every job before any container dies. */
  readonly steps: readonly KillStep[];
  /** Every container listed, the current attempt's or a leftover, killed by name after the steps. */
  readonly containers: readonly string[];
  /** The active jobs the kill ends (what the confirmation lists); the report counts those whose FailJob was taken. */
  readonly jobIds: readonly string[];
}

/**
 * What the kill switch does on one node, decided from what is there: the job of a container is
 * failed only when the container is its current attempt's and the job is active (or already failed
 * by an earlier, cut-short kill, so a repeat finishes its runs); a leftover of an earlier attempt
 * is killed without touching the job. Failing first means the worker following the container finds
 * the job already ended and records nothing else. Command ids derive from the job's attempt.
 */
export function killPlan(node: string, targets: readonly KillTarget[], actor: string): KillPlan {
  const steps: KillStep[] = [];
  const jobIds: string[] = [];
  for (const { containerName, job } of targets) {
    if (job === null || job.containerName !== containerName) continue;
    if (!isActive(job.status) && job.status !== 'failed') continue;
    const step = `${job.id}:killed:a${job.attempts}`;
    const message = `killed by ${actor} with the kill switch of GPU node ${node} (container ${containerName})`;
    if (isActive(job.status)) jobIds.push(job.id);
    steps.push({ type: 'FailJob', jobId: job.id, commandId: step, message, ifRefused: 'skip its runs, not killed by us' });
    for (const runId of job.runIds) steps.push({ type: 'FailRun', jobId: job.id, runId, commandId: `${step}:${runId}`, message, ifRefused: 'leave the run as it is' });
  }
  return { steps, containers: targets.map((target) => target.containerName), jobIds };
}

function isActive(status: JobStatus): boolean {
  return (ACTIVE_JOB_STATUSES as readonly string[]).includes(status);
}
