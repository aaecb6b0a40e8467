export { configSchema, type ConfigSchema, type CosmosConfigSchema, type Setting } from './config.schema.js';
export {
  ConfigError,
  type AuthConfig,
  loadConfig,
  type CosmosConfig,
  type GpuConfig,
  type GpuNodeConfig,
  type LoadConfigOptions,
  type LogConfig,
  type ProjectionsConfig,
  type RuntimeConfig,
  type ServerConfig,
  type StorageConfig,
  type StorageMode,
} from './config.loader.js';
export { describeConfig } from './config.describe.js';
export { COSMOS_CONFIG, CosmosConfigModule, InjectConfig } from './config.module.js';
export { JsonLogger, type JsonLoggerOptions, type LogSink, type LogThreshold } from './json.logger.js';
export { redactedConfig, redactSecrets } from './redact.js';
