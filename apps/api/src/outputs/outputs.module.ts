import { Module, type DynamicModule } from '@nestjs/common';
import path from 'node:path';
import { OUTPUTS_ROOT } from './outputs-root.js';
import { OutputsController } from './outputs.controller.js';

/** Serves run output files over HTTP at `/outputs/<path relative to the outputs root>`. */
@Module({})
export class OutputsModule {
  /** The root need not exist yet: runs create it when they download, and until then all is 404. */
  static forRoot(outputsRoot: string): DynamicModule {
    return {
      module: OutputsModule,
      controllers: [OutputsController],
      providers: [{ provide: OUTPUTS_ROOT, useValue: path.resolve(outputsRoot) }],
    };
  }
}
