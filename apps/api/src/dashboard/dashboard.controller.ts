import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Public } from '../auth/requires.decorator.js';
import { sendAsset } from '../http/static-bundle.js';
import { DashboardBundle } from './dashboard.bundle.js';

/**
 * The views the dashboard's own router knows (apps/web/src/router.ts): a deep link or a reload on
 * any of them gets the page, which then shows the view. The page and its code hold no data; the
 * data comes over GraphQL, behind the token.
 */
const VIEW_PATHS = ['/', 'inputs', 'prompts', 'prompts/:id', 'queue', 'runs', 'runs/:id', 'jobs/:id', 'lineage/:id', 'history', 'history/:id'];

@Public()
@Controller()
export class DashboardController {
  constructor(private readonly bundle: DashboardBundle) {}

  @Get(VIEW_PATHS)
  page(@Req() request: IncomingMessage, @Res() response: ServerResponse): void {
    const page = this.bundle.get('index.html');
    if (page === undefined) {
      response.writeHead(503, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' });
      response.end(NOT_BUILT);
      return;
    }
    sendAsset(page, false, request, response);
  }

  /** Content-hashed names: a file never changes meaning, so browsers keep it for good. */
  @Get('app/:file')
  asset(@Param('file') file: string, @Req() request: IncomingMessage, @Res() response: ServerResponse): void {
    const asset = this.bundle.get(`app/${file}`);
    if (asset === undefined) {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      response.end(`No dashboard file ${file}\n`);
      return;
    }
    sendAsset(asset, true, request, response);
  }
}

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Cosmos Workflow · dashboard not built</title></head>
<body style="font-family: sans-serif; margin: 2rem">
<h1>The dashboard is not built</h1>
<p>Run <code>npm run build</code> (or <code>npm start</code>, which builds first) and reload. GraphQL answers at <a href="/graphql">/graphql</a>.</p>
</body></html>
`;
