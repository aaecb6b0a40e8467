import { DEFAULT_JOB_PRIORITY, type FieldProblem, idempotencyKeyProblem, InvalidInput, jobGpuCountProblem, type JobKind, type ModelCommand, priorityProblem, type RemoteFile } from '../../../../libs/domain/src/index.js';
import { DryRun, SpecFile } from './requests.results.js';

/** What every request sets on its job, whatever the kind. */
export interface JobOptions {
  readonly priority: number;
  readonly idempotencyKey: string | null;
  readonly numGpus: number;
}

/** The GPUs a kind's job gets when its request names none (`jobs.*_gpus`). */
export interface GpuDefault {
  readonly kind: JobKind;
  readonly numGpus: number;
}

/** Priority, key and GPUs by the job rules; problems are collected, so a request reports all of its own at once. */
export function jobOptions(input: { priority?: number | null; idempotencyKey?: string | null; numGpus?: number | null }, problems: FieldProblem[], gpus: GpuDefault): JobOptions {
  const priority = input.priority ?? DEFAULT_JOB_PRIORITY;
  const priorityIssue = priorityProblem(priority);
  if (priorityIssue !== null) problems.push({ field: 'input.priority', problem: priorityIssue });
  const idempotencyKey = input.idempotencyKey ?? null;
  const keyIssue = idempotencyKey === null ? null : idempotencyKeyProblem(idempotencyKey);
  if (keyIssue !== null) problems.push({ field: 'input.idempotencyKey', problem: keyIssue });
  const numGpus = input.numGpus ?? gpus.numGpus;
  const gpuIssue = jobGpuCountProblem(gpus.kind, numGpus);
  if (gpuIssue !== null) problems.push({ field: 'input.numGpus', problem: gpuIssue });
  return { priority, idempotencyKey, numGpus };
}

/** A config from the one config loader, or null with its problems added to the others. */
export function collectConfig<T>(resolve: () => T, problems: FieldProblem[]): T | null {
  try {
    return resolve();
  } catch (error) {
    if (!(error instanceof InvalidInput)) throw error;
    problems.push(...error.details.fields);
    return null;
  }
}

/** Only the settings the user named: the loader fills the rest and refuses anything it does not know. */
export function definedOnly(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined && value !== null));
}

/** The GPUs a request gets when it names none, from the configuration. */
export function gpuDefault(config: { readonly jobs: { readonly inferenceGpus: string; readonly upscaleGpus: string } }, kind: JobKind): GpuDefault {
  if (kind === 'enhance') return { kind, numGpus: 1 };
  return { kind, numGpus: Number(kind === 'upscale' ? config.jobs.upscaleGpus : config.jobs.inferenceGpus) };
}

/** A builder's launch as the dry-run answer: what a node would receive. */
export function toDryRun(launch: ModelCommand & { files: readonly RemoteFile[] }, runIds: readonly string[]): DryRun {
  return Object.assign(new DryRun(), {
    specs: launch.files.map((file) => Object.assign(new SpecFile(), { path: file.path, content: file.text })),
    command: [...launch.args],
    runIds: [...runIds],
  });
}
