import { Module } from '@nestjs/common';
import { CommandsModule } from '../graphql/commands.module.js';
import { PromptCreationService } from './prompt-creation.service.js';
import { PromptsResolver } from './prompts.resolver.js';

/** Prompts: creating one from a folder of videos, the catalog, lineage and updates. */
@Module({
  imports: [CommandsModule],
  providers: [PromptCreationService, PromptsResolver],
})
export class PromptsModule {}
