import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { CosmosConfig } from '../config.loader.js';
import { COSMOS_CONFIG } from '../config.token.js';

/**
 * Provides the configuration the entry point loaded. Loading stays outside Nest so a bad config
 * fails before any module starts, with every problem listed at once.
 */
@Global()
@Module({})
export class CosmosConfigModule {
  static forRoot(config: CosmosConfig): DynamicModule {
    return {
      module: CosmosConfigModule,
      providers: [{ provide: COSMOS_CONFIG, useValue: config }],
      exports: [COSMOS_CONFIG],
    };
  }
}
