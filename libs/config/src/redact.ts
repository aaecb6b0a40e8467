import type { CosmosConfig } from './config.loader.js';

/** `scheme://user:password@…`: the store connection strings are the one place config holds a secret. */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s:@/"'\\]+):([^\s@/"'\\]+)@/gi;
/** A bearer token quoted back in an error or a log line. */
const BEARER = /\b(Bearer\s+)[^\s"',;\\]+/gi;

/** Text with every URL password and bearer token replaced by `***`; anything else is kept. */
export function redactSecrets(text: string): string {
  return text.replace(URL_CREDENTIALS, '$1$2:***@').replace(BEARER, '$1***');
}

/**
 * The configuration as it may be shown: connection strings without their passwords. Tokens are
 * held as digests and passphrases as the names of variables, so nothing else needs hiding.
 */
export function redactedConfig(config: CosmosConfig): CosmosConfig {
  const { storage } = config;
  return {
    ...config,
    storage: { ...storage, eventstoreConnectionString: redactSecrets(storage.eventstoreConnectionString), mongodbUri: redactSecrets(storage.mongodbUri) },
  };
}
