/** The configuration's Nest wiring: the module that provides it, and the JSON logger. */
export { CosmosConfigModule } from './config.module.js';
export { JsonLogger, type JsonLoggerOptions, type LogSink, type LogThreshold } from './json.logger.js';
