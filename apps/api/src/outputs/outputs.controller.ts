import { Controller, Get, Inject, Logger, Param, Req, Res } from '@nestjs/common';
import { type FileResponse, serveConfinedFile } from '../http/confined-files.js';
import { OUTPUTS_ROOT } from './outputs-root.js';

@Controller('outputs')
export class OutputsController {
  private readonly logger = new Logger(OutputsController.name);

  constructor(@Inject(OUTPUTS_ROOT) private readonly outputsRoot: string) {}

  /**
   * `{*path}` (path-to-regexp 8) also matches `/outputs/`, which `*path` would leave to Nest's own
   * 404 body. Express 5 hands the wildcard over as an array of percent-decoded segments.
   */
  @Get('{*path}')
  serve(@Param('path') segments: string[] | undefined, @Req() request: { headers: Record<string, string | string[] | undefined> }, @Res() response: FileResponse): Promise<void> {
    return serveConfinedFile(this.outputsRoot, segments ?? [], request, response, this.logger);
  }
}
