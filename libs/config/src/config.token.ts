/** The Nest token of the configuration the entry point loaded (provided by CosmosConfigModule). */
export const COSMOS_CONFIG = Symbol('COSMOS_CONFIG');
