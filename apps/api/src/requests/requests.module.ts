import { Module } from '@nestjs/common';
import { DeletionModule } from '../deletion/deletion.module.js';
import { CommandsModule } from '../graphql/commands.module.js';
import { JobRequests } from './job-requests.service.js';
import { PromptEnhancement } from './prompt-enhancement.service.js';
import { RequestsResolver } from './requests.resolver.js';

/** Requests that queue jobs (inference, batch, upscale, enhancement) and the commands on one job (cancel, priority, retry). */
@Module({
  imports: [CommandsModule, DeletionModule],
  providers: [JobRequests, PromptEnhancement, RequestsResolver],
  exports: [JobRequests],
})
export class RequestsModule {}
