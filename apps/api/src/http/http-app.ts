import type { NestExpressApplication } from '@nestjs/platform-express';
import type { ServerConfig } from '../../../../libs/config/src/index.js';
import { jsonBodyErrors, refuseInvalidUtf8 } from './json-body.js';
import { securityHeaders } from './security-headers.js';

/** What the API's HTTP server does before any route: security headers, then its own JSON parser. */
export function configureHttpApp(app: NestExpressApplication, server: ServerConfig): void {
  app.use(securityHeaders);
  // Our JSON parser first (Nest then adds none of its own), its refusals as typed JSON right after.
  app.useBodyParser('json', { verify: refuseInvalidUtf8, limit: server.maxBodyBytes });
  app.use(jsonBodyErrors);
}
