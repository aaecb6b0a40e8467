import { Module } from '@nestjs/common';
import { InputCatalogService } from './input-catalog.service.js';
import { InputsController } from './inputs.controller.js';
import { InputsResolver, InputVideoResolver } from './inputs.resolver.js';

/** The input folders: their catalog (probed as createPrompt probes) and their videos over HTTP. */
@Module({
  controllers: [InputsController],
  providers: [InputCatalogService, InputsResolver, InputVideoResolver],
})
export class InputsModule {}
