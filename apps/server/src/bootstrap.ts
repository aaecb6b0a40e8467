import 'reflect-metadata';
import type { INestApplicationContext, LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { CosmosConfig } from '../../../libs/config/src/index.js';
import { CosmosModule } from './cosmos.module.js';
import { configureHttpApp } from '../../api/src/http/http-app.js';

export interface RunningCosmos {
  readonly app: INestApplicationContext;
  /** Where GraphQL answers, or null for a worker-only process. */
  readonly url: string | null;
  close(): Promise<void>;
}

/** Starts the configured role: an HTTP server for `all`/`api`, a plain context for `worker`. */
export async function startCosmos(config: CosmosConfig, logger: LoggerService | false = false): Promise<RunningCosmos> {
  const module = CosmosModule.forRole(config);
  if (config.runtime.role === 'worker') {
    const app = await NestFactory.createApplicationContext(module, { logger, abortOnError: false });
    await app.init();
    return { app, url: null, close: () => app.close() };
  }
  const app = await NestFactory.create<NestExpressApplication>(module, { logger, abortOnError: false });
  configureHttpApp(app, config.server);
  await app.listen(config.server.port, config.server.host);
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.server.port;
  return { app, url: `http://${config.server.host}:${port}/graphql`, close: () => app.close() };
}
