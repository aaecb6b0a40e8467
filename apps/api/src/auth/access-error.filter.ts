import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { Forbidden, Unauthenticated } from '../../../../libs/auth/src/index.js';

/**
 * HTTP routes answer a refused caller 401 (who are you?) or 403 (not you), with the typed code;
 * GraphQL keeps the error, which formatError gives the same code.
 */
@Catch(Unauthenticated, Forbidden)
export class AccessErrorFilter implements ExceptionFilter {
  catch(error: Unauthenticated | Forbidden, host: ArgumentsHost): unknown {
    if (host.getType<string>() !== 'http') return error;
    const response = host.switchToHttp().getResponse<ServerResponse>();
    const status = error instanceof Unauthenticated ? 401 : 403;
    response.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      ...(status === 401 ? { 'www-authenticate': 'Bearer realm="cosmos"' } : {}),
    });
    response.end(JSON.stringify({ code: error.code, message: error.message, details: error.details }));
    return undefined;
  }
}
