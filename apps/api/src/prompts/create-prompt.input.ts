import { Field, InputType } from '@nestjs/graphql';
import { IsOptional, IsString, MaxLength } from 'class-validator';

@InputType()
export class CreatePromptInput {
  @Field({ description: 'At most 10,000 characters; NUL and control characters are removed (newlines and tabs kept).' })
  @IsString()
  @MaxLength(100_000)
  text: string;

  @Field({ description: 'Folder under the inputs root holding color.mp4 (required), depth.mp4 and segmentation.mp4 (optional).' })
  @IsString()
  @MaxLength(1000)
  videoDir: string;

  @Field(() => String, { nullable: true, description: 'Letters, digits, _ . - (1..100); generated from the text when absent.' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'Defaults to the configured negative prompt.' })
  @IsOptional()
  @IsString()
  @MaxLength(100_000)
  negativePrompt?: string | null;

  @Field(() => String, { nullable: true, description: 'transfer (default), enhance, upscale, reason or predict.' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  modelType?: string | null;
}
