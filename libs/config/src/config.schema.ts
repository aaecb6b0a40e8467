interface SettingCommon {
  readonly description: string;
  /** Environment variable that overrides the file; environment wins over the file. */
  readonly env?: string;
}

export interface StringSetting extends SettingCommon {
  readonly type: 'string';
  readonly default: string;
}

export interface IntegerSetting extends SettingCommon {
  readonly type: 'integer';
  readonly default: number;
  readonly min?: number;
  readonly max?: number;
}

export interface NumberSetting extends SettingCommon {
  readonly type: 'number';
  readonly default: number;
  readonly min?: number;
  readonly max?: number;
}

export interface BooleanSetting extends SettingCommon {
  readonly type: 'boolean';
  readonly default: boolean;
}

export interface EnumSetting extends SettingCommon {
  readonly type: 'enum';
  readonly values: readonly string[];
  readonly default: string;
}

export type Setting = StringSetting | IntegerSetting | NumberSetting | BooleanSetting | EnumSetting;

/** Sections → keys, both snake_case as written in cosmos.toml. */
export type ConfigSchema = Readonly<Record<string, Readonly<Record<string, Setting>>>>;

/**
 * Every setting the service reads. Adding a section or key here is the whole change: the
 * CosmosConfig type, validation, environment overrides and the README table follow from it.
 */
export const configSchema = {
  server: {
    host: { type: 'string', default: '127.0.0.1', env: 'COSMOS_HOST', description: 'Interface the HTTP/GraphQL server binds to' },
    port: {
      type: 'integer',
      default: 3000,
      min: 0,
      max: 65535,
      env: 'COSMOS_PORT',
      description: 'HTTP/GraphQL port; 0 picks a free port',
    },
    playground: { type: 'boolean', default: true, env: 'COSMOS_PLAYGROUND', description: 'Serve the GraphQL playground' },
    graphql_max_depth: { type: 'integer', default: 12, min: 1, max: 50, description: 'Deepest GraphQL query accepted' },
    graphql_max_complexity: {
      type: 'integer',
      default: 2000,
      min: 1,
      max: 100000,
      description: 'Highest GraphQL query complexity accepted',
    },
  },
  runtime: {
    role: {
      type: 'enum',
      values: ['all', 'api', 'worker'],
      default: 'all',
      env: 'COSMOS_ROLE',
      description: 'Which half runs in this process: api, worker or both (all); api/worker on embedded storage split one machine',
    },
    shutdown_grace_seconds: {
      type: 'integer',
      default: 10,
      min: 1,
      max: 600,
      description: 'How long shutdown waits for in-flight work',
    },
  },
  storage: {
    data_dir: {
      type: 'string',
      default: 'data',
      env: 'COSMOS_DATA_DIR',
      description: 'Data directory, relative to the working directory; holds cosmos.db (embedded mode)',
    },
    eventstore_connection_string: {
      type: 'string',
      default: '',
      env: 'EVENTSTORE_CONNECTION_STRING',
      description: 'EventStoreDB/KurrentDB connection string; empty = embedded SQLite',
    },
    mongodb_uri: { type: 'string', default: '', env: 'MONGODB_URI', description: 'MongoDB URI for read models; empty = embedded SQLite' },
    mongodb_database: { type: 'string', default: 'cosmos', env: 'MONGODB_DATABASE', description: 'MongoDB database name' },
  },
  paths: {
    inputs_root: {
      type: 'string',
      default: 'inputs/videos',
      env: 'COSMOS_INPUTS_ROOT',
      description: "Folder that prompts' input video folders live under; a prompt's videoDir is relative to it",
    },
    outputs_root: {
      type: 'string',
      default: 'outputs',
      env: 'COSMOS_OUTPUTS_ROOT',
      description: 'Folder run outputs are downloaded into (run_<runId>/ each) and served from at /outputs/',
    },
  },
  generation: {
    negative_prompt: {
      type: 'string',
      default:
        'The video captures a game playing, with bad crappy graphics and cartoonish frames. It represents a recording of old outdated games. The lighting looks very fake. The textures are very raw and basic. The geometries are very primitive. The images are very pixelated and of poor CG quality. There are many subtitles in the footage. Overall, the video is unrealistic at all.',
      env: 'COSMOS_NEGATIVE_PROMPT',
      description: "Negative prompt for prompts created without one (the model's own default)",
    },
  },
  log: {
    level: {
      type: 'enum',
      values: ['debug', 'info', 'warn', 'error'],
      default: 'info',
      env: 'COSMOS_LOG_LEVEL',
      description: 'Lowest level written to the JSON log',
    },
  },
  projections: {
    batch_size: { type: 'integer', default: 500, min: 1, max: 10000, description: 'Events applied per read-model transaction' },
    consistency_timeout_ms: {
      type: 'integer',
      default: 2000,
      min: 0,
      max: 60000,
      description: 'Longest wait for read models to reach a position just written',
    },
  },
} as const satisfies ConfigSchema;

export type CosmosConfigSchema = typeof configSchema;

type CamelCase<S extends string> = S extends `${infer Head}_${infer Tail}` ? `${Head}${Capitalize<CamelCase<Tail>>}` : S;

type SettingValue<S> = S extends { readonly type: 'enum'; readonly values: readonly (infer V)[] }
  ? V
  : S extends { readonly type: 'string' }
    ? string
    : S extends { readonly type: 'integer' | 'number' }
      ? number
      : S extends { readonly type: 'boolean' }
        ? boolean
        : never;

/** The values a schema describes, keyed camelCase as TypeScript reads them. */
export type SchemaValues<Schema extends ConfigSchema> = {
  readonly [Section in keyof Schema & string as CamelCase<Section>]: {
    readonly [Key in keyof Schema[Section] & string as CamelCase<Key>]: SettingValue<Schema[Section][Key]>;
  };
};

export function camelCase(snake: string): string {
  return snake.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

export interface SettingEntry {
  readonly section: string;
  readonly key: string;
  /** `section.key`, the name problems and docs use. */
  readonly name: string;
  readonly setting: Setting;
}

export function listSettings(schema: ConfigSchema = configSchema): SettingEntry[] {
  return Object.entries(schema).flatMap(([section, keys]) =>
    Object.entries(keys).map(([key, setting]) => ({ section, key, name: `${section}.${key}`, setting })),
  );
}
