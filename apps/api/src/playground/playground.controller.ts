import { Controller, Get, Inject, Param, Query, Req, Res } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { COSMOS_CONFIG, type CosmosConfig } from '../../../../libs/config/src/index.js';
import { Public } from '../auth/requires.decorator.js';
import { sendAsset } from '../http/static-bundle.js';
import { PlaygroundAssets } from './playground.assets.js';

/** Serves the bundled GraphiQL script and style sheet the /graphql page links to (static code, no data). */
@Public()
@Controller('playground')
export class PlaygroundController {
  constructor(
    @Inject(COSMOS_CONFIG) private readonly config: CosmosConfig,
    private readonly assets: PlaygroundAssets,
  ) {}

  @Get(':file')
  serve(@Param('file') file: string, @Query('v') version: string | undefined, @Req() request: IncomingMessage, @Res() response: ServerResponse): void {
    const asset = this.config.server.playground ? this.assets.get(file) : undefined;
    if (!asset) {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      response.end(`No playground file ${file}\n`);
      return;
    }
    sendAsset(asset, version === asset.version, request, response);
  }
}
