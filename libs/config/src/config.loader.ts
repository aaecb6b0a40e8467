import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, TomlError } from 'smol-toml';
import { closestName, didYouMean } from './closest-name.js';
import {
  camelCase,
  configSchema,
  isRepeated,
  listRepeated,
  listSettings,
  type ConfigSchema,
  type CosmosConfigSchema,
  type SchemaValues,
  type RowSetting,
} from './config.schema.js';
import { layerRows, type Row } from './config.rows.js';
import { acceptValue, describeTomlValue, expectation, isTable, liftEnvString, quotedHint } from './setting.values.js';

export type StorageMode = 'embedded' | 'distributed';

type SchemaConfig = SchemaValues<CosmosConfigSchema>;

export type StorageConfig = SchemaConfig['storage'] & {
  /** Absolute, resolved against the working directory. */
  readonly dataDir: string;
  readonly sqlitePath: string;
  readonly mode: StorageMode;
};

export type CosmosConfig = Omit<SchemaConfig, 'storage'> & { readonly storage: StorageConfig };
export type ServerConfig = CosmosConfig['server'];
export type AuthConfig = CosmosConfig['auth'];
export type RuntimeConfig = CosmosConfig['runtime'];
export type LogConfig = CosmosConfig['log'];
export type ProjectionsConfig = CosmosConfig['projections'];
/** Both absolute, resolved against the working directory. */
export type PathsConfig = CosmosConfig['paths'];
export type GpuConfig = CosmosConfig['gpu'];
/** One `[[gpu.nodes]]` table; privateKeyPath and knownHosts absolute, resolved against the working directory. */
export type GpuNodeConfig = GpuConfig['nodes'][number];

export interface LoadConfigOptions {
  /** A config file that must exist; otherwise COSMOS_CONFIG, otherwise an optional <cwd>/cosmos.toml. */
  file?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** Every problem found while loading, so one start-up attempt shows them all. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const SQLITE_FILE = 'cosmos.db';
const DEFAULT_FILE = 'cosmos.toml';

interface ConfigFile {
  readonly path: string;
  /** How problem messages name the file. */
  readonly label: string;
  readonly required: boolean;
  readonly namedBy?: string;
}

/** Values by full name (`server.port`); a value that failed validation keeps the layer below. */
interface Layering {
  readonly values: Map<string, unknown>;
  readonly rejected: Set<string>;
  readonly problems: string[];
}

export function loadConfig(options: LoadConfigOptions = {}): CosmosConfig {
  const env = options.env ?? process.env;
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const layering: Layering = {
    values: new Map<string, unknown>([
      ...listSettings().map(({ name, setting }) => [name, setting.default] as const),
      ...listRepeated().map(({ name }) => [name, []] as const),
    ]),
    rejected: new Set(),
    problems: [],
  };

  const file = locateFile(options.file, env, cwd);
  const table = readTomlFile(file, layering.problems);
  if (table) layerFile(table, file.label, layering);
  layerEnv(env, layering);

  const mode = storageMode(layering);
  if (layering.problems.length > 0 || mode === undefined) throw new ConfigError(layering.problems);
  return assemble(layering.values, cwd, mode);
}

function locateFile(file: string | undefined, env: NodeJS.ProcessEnv, cwd: string): ConfigFile {
  const at = (named: string, required: boolean, namedBy?: string): ConfigFile => {
    const absolute = path.resolve(cwd, named);
    const relative = path.relative(cwd, absolute);
    const label = relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : absolute;
    return { path: absolute, label, required, namedBy };
  };
  if (file !== undefined) return at(file, true);
  // An empty COSMOS_CONFIG (e.g. `COSMOS_CONFIG=` in a compose file) means "not set", not "the cwd".
  if (env.COSMOS_CONFIG) return at(env.COSMOS_CONFIG, true, 'COSMOS_CONFIG');
  return at(DEFAULT_FILE, false);
}

function readTomlFile(file: ConfigFile, problems: string[]): Record<string, unknown> | undefined {
  let text: string;
  try {
    text = readFileSync(file.path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !file.required) return undefined;
    const namedBy = file.namedBy ? ` (named by ${file.namedBy})` : '';
    problems.push(
      code === 'ENOENT'
        ? `${file.label}: config file not found${namedBy}`
        : `${file.label}: cannot read config file${namedBy}: ${(error as Error).message}`,
    );
    return undefined;
  }
  try {
    return parse(text, { integersAsBigInt: true });
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    const reason = error.message.split('\n')[0].replace(/^Invalid TOML document:\s*/, '');
    problems.push(`${file.label}:${error.line}:${error.column}: TOML syntax error: ${reason}`);
    return undefined;
  }
}

function layerFile(table: Record<string, unknown>, label: string, layering: Layering): void {
  const schema: ConfigSchema = configSchema;
  for (const [section, body] of Object.entries(table)) {
    const keys = Object.hasOwn(schema, section) ? schema[section] : undefined;
    if (keys === undefined) {
      if (isTable(body)) {
        const near = closestName(section, Object.keys(schema));
        layering.problems.push(`${label}: unknown section [${section}]${didYouMean(near, (name) => `[${name}]`)}`);
      } else {
        // A key above every section header: `port = 1` or `log_level = "info"`.
        const near = sectionHolding(section, schema) ?? closestName(section, listSettings(schema).map((entry) => entry.name));
        layering.problems.push(`${label}: unknown key "${section}"${didYouMean(near)}`);
      }
      continue;
    }
    if (!isTable(body)) {
      layering.problems.push(`${label}: ${section} must be a table ([${section}]), got ${describeTomlValue(body)}`);
      continue;
    }
    for (const [key, raw] of Object.entries(body)) {
      const name = `${section}.${key}`;
      const setting = Object.hasOwn(keys, key) ? keys[key] : undefined;
      if (setting === undefined) {
        const near = closestName(key, Object.keys(keys));
        layering.problems.push(`${label}: unknown key "${name}"${didYouMean(near ? `${section}.${near}` : sectionHolding(key, schema))}`);
        continue;
      }
      if (isRepeated(setting)) {
        const rows = layerRows(name, setting, raw, (problem) => layering.problems.push(`${label}: ${problem}`));
        if (rows !== undefined) layering.values.set(name, rows);
        continue;
      }
      const value = acceptValue(setting, raw);
      if (value !== undefined) {
        layering.values.set(name, value);
        continue;
      }
      layering.rejected.add(name);
      layering.problems.push(`${label}: ${name} must be ${expectation(setting, false)}, got ${describeTomlValue(raw)}${quotedHint(setting, raw)}`);
    }
  }
}

function layerEnv(env: NodeJS.ProcessEnv, layering: Layering): void {
  for (const { name, setting } of listSettings()) {
    const raw = setting.env === undefined ? undefined : env[setting.env];
    if (raw === undefined) continue;
    const value = acceptValue(setting, liftEnvString(setting, raw));
    if (value !== undefined) {
      layering.values.set(name, value);
      layering.rejected.delete(name);
      continue;
    }
    layering.rejected.add(name);
    layering.problems.push(`${name} must be ${expectation(setting, true)}, got ${JSON.stringify(raw)} (from ${setting.env})`);
  }
}

/** Both stores move to servers together: an event store without its read models (or the reverse) is a half-migration. */
function storageMode({ values, rejected, problems }: Layering): StorageMode | undefined {
  const eventStore = 'storage.eventstore_connection_string';
  const documents = 'storage.mongodb_uri';
  if (rejected.has(eventStore) || rejected.has(documents)) return undefined;
  const hasEventStore = values.get(eventStore) !== '';
  const hasDocuments = values.get(documents) !== '';
  if (hasEventStore === hasDocuments) return hasEventStore ? 'distributed' : 'embedded';
  const [set, unset] = hasEventStore ? [eventStore, documents] : [documents, eventStore];
  const { eventstore_connection_string: es, mongodb_uri: mongo } = configSchema.storage;
  problems.push(`${set} is set but ${unset} is not: set both ${es.env} and ${mongo.env} for the distributed mode, or neither`);
  return undefined;
}

function assemble(values: Map<string, unknown>, cwd: string, mode: StorageMode): CosmosConfig {
  const schema: ConfigSchema = configSchema;
  const sections = Object.fromEntries(
    Object.entries(schema).map(([section, keys]) => [
      camelCase(section),
      Object.fromEntries(
        Object.entries(keys).map(([key, entry]) => {
          const value = values.get(`${section}.${key}`);
          return [camelCase(key), isRepeated(entry) ? Object.freeze((value as Row[]).map((row) => assembleRow(row, entry.row, cwd))) : value];
        }),
      ),
    ]),
  ) as unknown as SchemaConfig;
  const dataDir = path.resolve(cwd, sections.storage.dataDir);
  const config = {
    ...sections,
    storage: { ...sections.storage, dataDir, sqlitePath: path.join(dataDir, SQLITE_FILE), mode },
    paths: { inputsRoot: path.resolve(cwd, sections.paths.inputsRoot), outputsRoot: path.resolve(cwd, sections.paths.outputsRoot) },
    // Empty means no file; a named one is read relative to where the config was.
    auth: { ...sections.auth, tokensFile: sections.auth.tokensFile === '' ? '' : path.resolve(cwd, sections.auth.tokensFile) },
  };
  for (const section of Object.values(config)) Object.freeze(section);
  return Object.freeze(config);
}

/** camelCase keys, defaults filled, absent optional keys as undefined, `path` values absolute. */
function assembleRow(row: Row, keys: Readonly<Record<string, RowSetting>>, cwd: string): object {
  return Object.freeze(
    Object.fromEntries(
      Object.entries(keys).map(([key, setting]) => {
        const value = Object.hasOwn(row, key) ? row[key] : 'default' in setting ? setting.default : undefined;
        const resolved = setting.type === 'string' && setting.format === 'path' && typeof value === 'string' ? path.resolve(cwd, value) : value;
        return [camelCase(key), Array.isArray(resolved) ? Object.freeze([...resolved]) : resolved];
      }),
    ),
  );
}

/** The full name of a key that exists under this exact name in some section: `port` → `server.port`. */
function sectionHolding(key: string, schema: ConfigSchema): string | undefined {
  const section = Object.keys(schema).find((name) => Object.hasOwn(schema[name], key));
  return section === undefined ? undefined : `${section}.${key}`;
}
