import { Controller, Get, Inject, Logger, Param, Req, Res } from '@nestjs/common';
import path from 'node:path';
import { COSMOS_CONFIG, type CosmosConfig } from '../../../../libs/config/src/index.js';
import { INPUT_VIDEO_EXTENSIONS } from '../../../../libs/media/src/index.js';
import { type FileResponse, notFound, serveConfinedFile } from '../http/confined-files.js';

const INPUTS_URL_PREFIX = '/input-videos/';

export function inputVideoUrl(relative: string): string {
  return INPUTS_URL_PREFIX + relative.split('/').map(encodeURIComponent).join('/');
}

/** Serves the input videos (only videos: the inputs root may hold anything) for previews. */
@Controller('input-videos')
export class InputsController {
  private readonly logger = new Logger(InputsController.name);

  constructor(@Inject(COSMOS_CONFIG) private readonly config: CosmosConfig) {}

  @Get('{*path}')
  async serve(@Param('path') segments: string[] | undefined, @Req() request: { headers: Record<string, string | string[] | undefined> }, @Res() response: FileResponse): Promise<void> {
    const last = segments?.at(-1) ?? '';
    if (!(INPUT_VIDEO_EXTENSIONS as readonly string[]).includes(path.extname(last).toLowerCase())) return notFound(response);
    return serveConfinedFile(this.config.paths.inputsRoot, segments ?? [], request, response, this.logger);
  }
}
