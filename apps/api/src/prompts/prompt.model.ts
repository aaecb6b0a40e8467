import { Field, Float, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import type { VideoFacts } from '../../../../libs/domain/src/index.js';
import type { ProjectedFields, PromptDoc } from '../../../../libs/read-models/src/index.js';
import { PageInfo } from '../graphql/page.model.js';

export enum ModelTypeValue {
  transfer = 'transfer',
  enhance = 'enhance',
  upscale = 'upscale',
  reason = 'reason',
  predict = 'predict',
}
registerEnumType(ModelTypeValue, { name: 'ModelType' });

@ObjectType({ description: 'What ffprobe found in one input video.' })
export class InputVideo {
  @Field({ description: 'Relative to the inputs root.' })
  path: string;

  @Field(() => Int)
  frames: number;

  @Field(() => Float)
  fps: number;

  @Field(() => Int)
  width: number;

  @Field(() => Int)
  height: number;

  @Field(() => Float)
  durationSeconds: number;

  @Field()
  codec: string;

  @Field(() => Float)
  sizeBytes: number;
}

@ObjectType()
export class PromptInputs {
  @Field({ description: 'The input folder, relative to the inputs root.' })
  videoDir: string;

  @Field(() => InputVideo)
  color: InputVideo;

  @Field(() => InputVideo, { nullable: true, description: 'Becomes the depth control input.' })
  depth: InputVideo | null;

  @Field(() => InputVideo, { nullable: true, description: 'Becomes the seg control input.' })
  segmentation: InputVideo | null;
}

@ObjectType()
export class EnhancedFrom {
  @Field()
  promptId: string;

  @Field()
  runId: string;

  @Field()
  model: string;

  @Field()
  at: Date;
}

@ObjectType({ description: 'One OVERWRITE enhancement of a prompt text.' })
export class TextReplacement {
  @Field()
  runId: string;

  @Field()
  model: string;

  @Field()
  at: Date;

  @Field()
  previousText: string;
}

@ObjectType()
export class Prompt {
  @Field(() => ID)
  id: string;

  @Field()
  name: string;

  @Field()
  text: string;

  @Field()
  negativePrompt: string;

  @Field(() => ModelTypeValue)
  modelType: ModelTypeValue;

  @Field(() => PromptInputs)
  inputs: PromptInputs;

  @Field()
  enhanced: boolean;

  @Field(() => EnhancedFrom, { nullable: true })
  enhancedFrom: EnhancedFrom | null;

  @Field(() => [TextReplacement])
  textReplacements: TextReplacement[];

  @Field()
  createdAt: Date;

  @Field()
  createdBy: string;

  @Field()
  updatedAt: Date;

  @Field(() => Int, { description: 'How many times this read-model document changed; newer pushes have higher numbers.' })
  revision: number;

  static from(doc: PromptDoc & Partial<ProjectedFields>): Prompt {
    const video = (facts: (VideoFacts & { path: string }) | null) => (facts ? Object.assign(new InputVideo(), facts) : null);
    return Object.assign(new Prompt(), {
      id: doc.id,
      name: doc.name,
      text: doc.text,
      negativePrompt: doc.negativePrompt,
      modelType: doc.modelType as ModelTypeValue,
      inputs: Object.assign(new PromptInputs(), {
        videoDir: doc.inputs.videoDir,
        color: video(doc.inputs.color),
        depth: video(doc.inputs.depth),
        segmentation: video(doc.inputs.segmentation),
      }),
      enhanced: doc.enhanced,
      enhancedFrom: doc.enhancedFrom && Object.assign(new EnhancedFrom(), { ...doc.enhancedFrom, at: new Date(doc.enhancedFrom.at) }),
      textReplacements: doc.textReplacements.map((r) => Object.assign(new TextReplacement(), { ...r, at: new Date(r.at) })),
      createdAt: new Date(doc.createdAt),
      createdBy: doc.createdBy,
      updatedAt: new Date(doc.updatedAt),
      revision: doc._revision ?? 0,
    });
  }
}

@ObjectType({ description: 'Where a text search matched, for highlighting.' })
export class TextMatch {
  @Field({ description: 'id, name or text.' })
  field: string;

  @Field(() => Int, { description: 'UTF-16 offset of the first matching character.' })
  start: number;

  @Field(() => Int, { description: 'UTF-16 offset just past the match.' })
  end: number;
}

@ObjectType()
export class PromptEdge {
  @Field()
  cursor: string;

  @Field(() => Prompt)
  node: Prompt;

  @Field(() => [TextMatch], { description: 'Where filter.text matched in this prompt (empty without it).' })
  matches: TextMatch[];
}

@ObjectType()
export class PromptConnection {
  @Field(() => [PromptEdge])
  edges: PromptEdge[];

  @Field(() => PageInfo)
  pageInfo: PageInfo;

  @Field(() => Int)
  totalCount: number;
}

@ObjectType()
export class CompletedRunCounts {
  @Field(() => Int)
  inference: number;

  @Field(() => Int)
  upscale: number;

  @Field(() => Int)
  enhance: number;

  @Field(() => Int)
  total: number;
}

@ObjectType()
export class RunStatistics {
  @Field(() => CompletedRunCounts)
  completed: CompletedRunCounts;

  @Field(() => Int)
  ratedRuns: number;

  @Field(() => Float, { nullable: true })
  averageRating: number | null;

  @Field({ description: '"4.5/5 (2 runs)" or "No ratings yet".' })
  averageRatingText: string;

  @Field(() => Int)
  totalRuns: number;

  @Field(() => Int)
  activeRuns: number;
}
