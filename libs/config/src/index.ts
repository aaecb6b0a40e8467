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
export { COSMOS_CONFIG } from './config.token.js';
export { redactedConfig, redactSecrets } from './redact.js';
export { layerRows } from './config.rows.js';
export { TOKEN_ROLES } from './config.schema.js';
export { acceptValue, expectation } from './setting.values.js';
