import { Field, Float, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import type { ProjectedFields, RunDoc } from '../../../../libs/read-models/src/index.js';
import { JSONScalar } from '../graphql/json.scalar.js';
import { ConnectionOf } from '../graphql/page.model.js';
import { ModelTypeValue } from '../prompts/prompt.model.js';

export enum RunStatusValue {
  pending = 'pending',
  uploading = 'uploading',
  running = 'running',
  downloading = 'downloading',
  completed = 'completed',
  failed = 'failed',
  cancelled = 'cancelled',
}
registerEnumType(RunStatusValue, { name: 'RunStatus' });

export enum RunKindValue {
  inference = 'inference',
  upscale = 'upscale',
  enhance = 'enhance',
}
registerEnumType(RunKindValue, { name: 'RunKind' });

/** Where output files are served over HTTP (with Range support), relative to the server. */
export const OUTPUTS_URL_PREFIX = '/outputs/';

export function outputUrl(path: string): string {
  return OUTPUTS_URL_PREFIX + path.split('/').map(encodeURIComponent).join('/');
}

@ObjectType()
export class OutputFile {
  @Field()
  name: string;

  @Field({ description: 'Relative to the outputs root.' })
  path: string;

  @Field({ description: 'HTTP path the file is served at (supports Range for video scrubbing).' })
  url: string;

  @Field(() => Float)
  sizeBytes: number;

  @Field()
  sha256: string;

  @Field({ description: 'video, control, text, json, log or other.' })
  kind: string;
}

@ObjectType()
export class RunFailure {
  @Field({ description: 'VALIDATION, BAD_SPEC, REMOTE_ERROR, SSH_FAILURE, CONTAINER_EXIT, OOM_KILLED, GUARDRAIL_BLOCKED, TIMEOUT, MISSING_OUTPUT, INTERRUPTED, KILLED or ORPHANED.' })
  reason: string;

  @Field()
  message: string;

  @Field(() => Int, { nullable: true })
  exitCode: number | null;
}

@ObjectType()
export class RunCancellation {
  @Field()
  reason: string;

  @Field()
  by: string;
}

@ObjectType()
export class Run {
  @Field(() => ID)
  id: string;

  @Field()
  promptId: string;

  @Field()
  jobId: string;

  @Field(() => RunKindValue)
  kind: RunKindValue;

  @Field(() => ModelTypeValue)
  modelType: ModelTypeValue;

  @Field(() => RunStatusValue)
  status: RunStatusValue;

  @Field(() => JSONScalar, { description: 'The execution configuration exactly as requested.' })
  config: Record<string, unknown>;

  @Field(() => String, { nullable: true, description: 'For upscales: the run whose output was upscaled.' })
  sourceRunId: string | null;

  @Field(() => String, { nullable: true, description: 'For upscales of a file: the video, relative to the inputs root.' })
  sourceVideo: string | null;

  @Field()
  requestedAt: Date;

  @Field()
  requestedBy: string;

  @Field(() => Date, { nullable: true })
  startedAt: Date | null;

  @Field(() => Date, { nullable: true })
  finishedAt: Date | null;

  @Field(() => Float, { nullable: true })
  durationSeconds: number | null;

  @Field(() => String, { nullable: true })
  node: string | null;

  @Field({ description: 'Executed on the simulated GPU node (no [[gpu.nodes]] configured): its outputs are copies of the inputs, not generations.' })
  simulated: boolean;

  @Field(() => [OutputFile])
  outputs: OutputFile[];

  @Field()
  outputsDeleted: boolean;

  @Field({ description: 'Where the streamed execution log is kept, relative to the outputs root.' })
  logPath: string;

  @Field()
  logUrl: string;

  @Field(() => String, { nullable: true, description: 'For enhancements: the enhanced prompt text.' })
  enhancedText: string | null;

  @Field(() => RunFailure, { nullable: true })
  failure: RunFailure | null;

  @Field(() => RunCancellation, { nullable: true })
  cancellation: RunCancellation | null;

  @Field(() => Int, { nullable: true, description: '1..5, or null when unrated.' })
  rating: number | null;

  @Field(() => Int, { description: 'How many times this read-model document changed; newer pushes have higher numbers.' })
  revision: number;

  static from(doc: RunDoc & Partial<ProjectedFields>): Run {
    const date = (iso: string | null) => (iso ? new Date(iso) : null);
    return Object.assign(new Run(), {
      id: doc.id,
      promptId: doc.promptId,
      jobId: doc.jobId,
      kind: doc.kind as RunKindValue,
      modelType: doc.modelType as ModelTypeValue,
      status: doc.status as RunStatusValue,
      config: doc.config,
      sourceRunId: doc.sourceRunId,
      sourceVideo: doc.sourceVideo,
      requestedAt: new Date(doc.requestedAt),
      requestedBy: doc.requestedBy,
      startedAt: date(doc.startedAt),
      finishedAt: date(doc.finishedAt),
      durationSeconds: doc.durationSeconds,
      node: doc.node,
      simulated: doc.simulated === true,
      outputs: doc.outputs.map((file) => Object.assign(new OutputFile(), { ...file, url: outputUrl(file.path) })),
      outputsDeleted: doc.outputsDeleted,
      logPath: doc.logPath,
      logUrl: outputUrl(doc.logPath),
      enhancedText: doc.enhancedText,
      failure: doc.failure && Object.assign(new RunFailure(), doc.failure),
      cancellation: doc.cancellation && Object.assign(new RunCancellation(), doc.cancellation),
      rating: doc.rating,
      revision: doc._revision ?? 0,
    });
  }
}

@ObjectType()
export class RunConnection extends ConnectionOf(Run) {}
