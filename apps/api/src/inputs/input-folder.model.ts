import { Field, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { IsOptional, MaxLength } from 'class-validator';
import { CreatedWithinValue } from '../graphql/filters.input.js';
import { InputVideo } from '../prompts/prompt.model.js';

export enum InputFolderSortValue {
  newest = 'newest',
  oldest = 'oldest',
  path = 'path',
}
registerEnumType(InputFolderSortValue, { name: 'InputFolderSort' });

@ObjectType({ description: 'A folder under the inputs root with the videos a prompt would use, probed as createPrompt probes them.' })
export class InputFolder {
  @Field({ description: 'Relative to the inputs root: what createPrompt takes as videoDir.' })
  path: string;

  @Field({ description: 'The newest modification among its videos.' })
  modifiedAt: Date;

  @Field(() => InputVideo, { nullable: true })
  color: InputVideo | null;

  @Field(() => InputVideo, { nullable: true })
  depth: InputVideo | null;

  @Field(() => InputVideo, { nullable: true })
  segmentation: InputVideo | null;

  @Field(() => [String], { description: 'The controls its videos provide (vis and edge come from color.mp4; depth, seg from their files).' })
  controls: string[];

  @Field(() => String, { nullable: true, description: 'Why createPrompt would refuse this folder (no color.mp4, a mismatched control, an unreadable video), or null.' })
  problem: string | null;
}

@ObjectType()
export class InputFolderList {
  @Field(() => [InputFolder])
  folders: InputFolder[];

  @Field(() => Int, { description: 'Folders matching the filter.' })
  totalCount: number;

  @Field({ description: 'True when the inputs root holds more folders than one listing walks (1,000).' })
  truncated: boolean;
}

@InputType()
export class InputFolderFilterInput {
  @Field({ nullable: true, description: 'Part of the folder path, any case.' })
  @IsOptional()
  @MaxLength(200)
  search?: string;

  @Field(() => CreatedWithinValue, { nullable: true, description: 'By the videos modification time.' })
  @IsOptional()
  modifiedWithin?: CreatedWithinValue;
}
