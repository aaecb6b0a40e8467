import { Field, InputType, Int, registerEnumType } from '@nestjs/graphql';
import { IsBoolean, IsEnum, IsOptional, IsString, MaxLength } from 'class-validator';
import type { EnhanceMode } from '../../../../libs/domain/src/index.js';

export enum EnhanceModeValue {
  CREATE_NEW = 'create_new',
  OVERWRITE = 'overwrite',
}
registerEnumType(EnhanceModeValue, {
  name: 'EnhanceMode',
  description: 'CREATE_NEW: a new <name>_enhanced prompt linked to the original; OVERWRITE: the prompt\'s own text is replaced.',
});

/** The model name is checked by resolveEnhanceConfig, the one config loader. */
@InputType()
export class EnhancePromptInput {
  @Field()
  @IsString()
  @MaxLength(100)
  promptId: string;

  @Field(() => EnhanceModeValue)
  @IsEnum(EnhanceModeValue)
  mode: EnhanceMode;

  @Field({ defaultValue: false, description: 'OVERWRITE only: delete the runs made from the current text first (output files stay).' })
  @IsBoolean()
  force: boolean;

  @Field(() => String, { nullable: true, description: '"pixtral", the only upsampler the model ships (pixtral).' })
  @IsOptional()
  @IsString()
  model?: string | null;

  @Field(() => Int, { nullable: true, description: '0..100, higher first (50).' })
  @IsOptional()
  priority?: number | null;

  @Field(() => String, { nullable: true, description: "Asking again with the same key answers the job the key first queued; 1..128 of [A-Za-z0-9._:-]." })
  @IsOptional()
  idempotencyKey?: string | null;
}
