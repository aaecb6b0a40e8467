import { Field, Float, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import type { JobDoc, ProjectedFields } from '../../../../libs/read-models/src/index.js';
import { ConnectionOf } from '../graphql/page.model.js';

export enum JobKindValue {
  inference = 'inference',
  batch_inference = 'batch_inference',
  upscale = 'upscale',
  enhance = 'enhance',
}
registerEnumType(JobKindValue, { name: 'JobKind' });

export enum JobStatusValue {
  queued = 'queued',
  claimed = 'claimed',
  uploading = 'uploading',
  running = 'running',
  downloading = 'downloading',
  succeeded = 'succeeded',
  failed = 'failed',
  cancelled = 'cancelled',
  merged = 'merged',
}
registerEnumType(JobStatusValue, {
  name: 'JobStatus',
  description: 'claimed, uploading, running and downloading: a node holds the job.',
  valuesMap: { merged: { description: 'Smart batching moved its runs into the batch job named by mergedInto; final.' } },
});

export enum JobStageValue {
  uploading = 'uploading',
  running = 'running',
  downloading = 'downloading',
}
registerEnumType(JobStageValue, { name: 'JobStage' });

@ObjectType()
export class JobCancelRequest {
  @Field()
  by: string;

  @Field()
  reason: string;

  @Field()
  at: Date;
}

@ObjectType()
export class JobFailure {
  @Field({ description: 'The same reasons as a run failure (RunFailure.reason).' })
  reason: string;

  @Field()
  message: string;

  @Field(() => Int, { nullable: true })
  exitCode: number | null;
}

@ObjectType()
export class JobCancellation {
  @Field()
  by: string;

  @Field()
  reason: string;
}

@ObjectType({ description: 'One unit of GPU work: it produces one run, or several for a batch.' })
export class Job {
  @Field(() => ID)
  id: string;

  @Field(() => JobKindValue)
  kind: JobKindValue;

  @Field(() => JobStatusValue)
  status: JobStatusValue;

  @Field(() => [String], { description: 'The runs this job produces, in order; run i belongs to promptIds[i].' })
  runIds: string[];

  @Field(() => [String])
  promptIds: string[];

  @Field(() => Int, { description: '0..100, higher first.' })
  priority: number;

  @Field(() => Int, { nullable: true, description: 'GPUs its container gets; null for a job queued before GPU slots, which takes every GPU of its node.' })
  numGpus: number | null;

  @Field(() => String, { nullable: true })
  idempotencyKey: string | null;

  @Field(() => String, { nullable: true, description: 'The failed or cancelled job this one retries.' })
  retryOf: string | null;

  @Field(() => String, { nullable: true, description: 'The job that retries this one.' })
  retriedAs: string | null;

  @Field(() => String, { nullable: true, description: "The batch job that took over this job's runs." })
  mergedInto: string | null;

  @Field(() => [String], { description: 'The jobs merged into this batch; empty unless smart batching made it.' })
  mergedFrom: string[];

  @Field({ description: 'Kept across releases: a job given back keeps its place in the queue.' })
  queuedAt: Date;

  @Field({ description: "Who asked for it: the request's actor (a token's name), also for a retry or a batch smart batching made." })
  queuedBy: string;

  @Field(() => Int, { description: 'Claims so far, including the current one.' })
  attempts: number;

  @Field(() => String, { nullable: true, description: "The current (or, once finished, the last) attempt's node; null while queued." })
  node: string | null;

  @Field(() => String, { nullable: true })
  containerName: string | null;

  @Field(() => Date, { nullable: true })
  claimedAt: Date | null;

  @Field(() => [Int], { nullable: true, description: "The node's GPU indices the current (or last) attempt holds, none shared with another running job; null while queued." })
  gpus: number[] | null;

  @Field(() => JobStageValue, { nullable: true, description: "Null until the worker reports the attempt's first stage." })
  stage: JobStageValue | null;

  @Field(() => Int, { description: '0..100 within the stage.' })
  percent: number;

  @Field(() => JobCancelRequest, { nullable: true, description: 'Kept once finished: a job may still succeed or fail after a cancel was asked for.' })
  cancelRequested: JobCancelRequest | null;

  @Field(() => Date, { nullable: true })
  finishedAt: Date | null;

  @Field(() => Float, { nullable: true, description: 'Seconds from the last claim to the end; null if it never ran.' })
  durationSeconds: number | null;

  @Field(() => JobFailure, { nullable: true })
  failure: JobFailure | null;

  @Field(() => JobCancellation, { nullable: true })
  cancellation: JobCancellation | null;

  @Field(() => Int, { description: 'How many times this read-model document changed; newer pushes have higher numbers.' })
  revision: number;

  static from(doc: JobDoc & Partial<ProjectedFields>): Job {
    const date = (iso: string | null) => (iso ? new Date(iso) : null);
    const cancelRequested = doc.cancelRequested && Object.assign(new JobCancelRequest(), { ...doc.cancelRequested, at: new Date(doc.cancelRequested.at) });
    return Object.assign(new Job(), {
      id: doc.id,
      kind: doc.kind as JobKindValue,
      status: doc.status as JobStatusValue,
      runIds: [...doc.runIds],
      promptIds: [...doc.promptIds],
      priority: doc.priority,
      // Documents projected before GPU slots lack both until the read model is rebuilt.
      numGpus: doc.numGpus ?? null,
      idempotencyKey: doc.idempotencyKey,
      retryOf: doc.retryOf,
      retriedAs: doc.retriedAs,
      // Documents projected before smart batching lack both until the read model is rebuilt.
      mergedInto: doc.mergedInto ?? null,
      mergedFrom: [...(doc.mergedFrom ?? [])],
      queuedAt: new Date(doc.queuedAt),
      queuedBy: doc.queuedBy,
      attempts: doc.attempts,
      node: doc.node,
      containerName: doc.containerName,
      claimedAt: date(doc.claimedAt),
      gpus: doc.gpus ? [...doc.gpus] : null,
      stage: doc.stage as JobStageValue | null,
      percent: doc.percent,
      cancelRequested,
      finishedAt: date(doc.finishedAt),
      durationSeconds: doc.durationSeconds,
      failure: doc.failure && Object.assign(new JobFailure(), doc.failure),
      cancellation: doc.cancellation && Object.assign(new JobCancellation(), doc.cancellation),
      revision: doc._revision ?? 0,
    });
  }
}

@ObjectType()
export class JobConnection extends ConnectionOf(Job) {}

@ObjectType({ description: 'A job changed or was deleted, after the read model changed.' })
export class JobUpdate {
  @Field()
  jobId: string;

  @Field()
  deleted: boolean;

  @Field(() => Job, { nullable: true })
  job: Job | null;
}
