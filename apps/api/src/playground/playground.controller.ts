import { Controller, Get, Inject, Param, Query, Req, Res } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { COSMOS_CONFIG, type CosmosConfig } from '../../../../libs/config/src/index.js';
import { Public } from '../auth/requires.decorator.js';
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
    const etag = `"${asset.version}"`;
    const headers: Record<string, string> = {
      'content-type': asset.contentType,
      etag,
      vary: 'accept-encoding',
      // A versioned link never changes meaning; an unversioned one is checked each time.
      'cache-control': version === asset.version ? 'public, max-age=31536000, immutable' : 'no-cache',
    };
    if (request.headers['if-none-match'] === etag) {
      response.writeHead(304, headers);
      response.end();
      return;
    }
    const gzip = /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
    const body = gzip ? asset.gzipped : asset.body;
    response.writeHead(200, { ...headers, ...(gzip ? { 'content-encoding': 'gzip' } : {}), 'content-length': String(body.length) });
    response.end(body);
  }
}
