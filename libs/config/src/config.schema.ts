
interface SettingCommon {
  readonly description: string;
  /** Environment variable that overrides the file; environment wins over the file. */
  readonly env?: string;
}

/** Shapes a string must have beyond being one; `path` values are resolved against the working directory. */
/**
 * The roles a token may hold, least first (libs/auth's ROLES is this list, and gives the order its
 * meaning). Declared here because configuration imports no other library.
 */
export const TOKEN_ROLES = ['viewer', 'operator', 'admin'] as const;

export type StringFormat = 'name' | 'host' | 'path' | 'absolute-posix-dir' | 'env-name' | 'sha256-fingerprint' | 'sha256-hex';

export interface StringSetting extends SettingCommon {
  readonly type: 'string';
  readonly default: string;
  readonly format?: StringFormat;
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

export interface ListSetting extends SettingCommon {
  readonly type: 'list';
  readonly items: 'string' | 'integer';
  readonly default: readonly string[] | readonly number[];
  /** Bounds on each integer item. */
  readonly min?: number;
  readonly max?: number;
}

export type Setting = StringSetting | IntegerSetting | NumberSetting | BooleanSetting | EnumSetting | ListSetting;

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** What a value must satisfy, whatever carries it. */
export type ValueRule = DistributiveOmit<Setting, 'default' | 'env' | 'description'>;

/**
 * A key of a repeated section's table. Rows have no environment overrides (which row would a
 * variable mean?); a key either has a default, is `required`, or is optional and absent as undefined.
 */
export type RowSetting =
  | DistributiveOmit<Setting, 'env'>
  | (DistributiveOmit<Setting, 'env' | 'default'> & { readonly required?: true });

/** `[[section.key]]`: a TOML array of tables, each row checked against `row`. */
export interface RepeatedSection {
  readonly type: 'rows';
  readonly description: string;
  readonly row: Readonly<Record<string, RowSetting>>;
  /** The key that names a row in problems; its values must be unique across rows. */
  readonly identity?: string;
  /** Groups of keys of which each row must set at least one (a boolean counts only when true). */
  readonly atLeastOneOf?: readonly (readonly string[])[];
  /** Groups of keys of which each row may set at most one. */
  readonly atMostOneOf?: readonly (readonly string[])[];
  /** Keys refused with the reason, for mistakes worth a sentence (a secret written into the file). */
  readonly refused?: Readonly<Record<string, string>>;
}

export type SectionEntry = Setting | RepeatedSection;

/** Sections → keys, both snake_case as written in cosmos.toml. */
export type ConfigSchema = Readonly<Record<string, Readonly<Record<string, SectionEntry>>>>;

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
    introspection: {
      type: 'enum',
      values: ['auto', 'on', 'off'],
      default: 'auto',
      env: 'COSMOS_INTROSPECTION',
      description: 'Answer GraphQL schema introspection (the playground docs need it); auto: on when bound to loopback, off otherwise',
    },
    graphql_max_depth: { type: 'integer', default: 12, min: 1, max: 50, description: 'Deepest GraphQL query accepted, HTTP and WebSocket alike' },
    graphql_max_complexity: {
      type: 'integer',
      default: 20000,
      min: 1,
      max: 1000000,
      description: 'Highest GraphQL query cost accepted, HTTP and WebSocket alike: a field costs 1, a page its fields once per item (first/last, else 50)',
    },
    graphql_stack_traces: {
      type: 'boolean',
      default: false,
      env: 'COSMOS_GRAPHQL_STACK_TRACES',
      description: 'Send server stack traces (with absolute paths) in GraphQL errors: for debugging only',
    },
    max_sockets_per_token: { type: 'integer', default: 20, min: 1, max: 10000, description: 'GraphQL WebSockets one token may hold open at once (the local user without tokens is not counted)' },
    max_operations_per_socket: { type: 'integer', default: 50, min: 1, max: 10000, description: 'Subscriptions and other operations one GraphQL WebSocket may run at once' },
    graphql_max_aliases: { type: 'integer', default: 30, min: 0, max: 1000, description: 'Most aliased fields one GraphQL operation may have' },
    max_body_bytes: {
      type: 'integer',
      default: 1_048_576,
      min: 1024,
      max: 67_108_864,
      env: 'COSMOS_MAX_BODY_BYTES',
      description: 'Largest JSON request body; a larger one is refused 413 BODY_TOO_LARGE before it is read',
    },
  },
  auth: {
    required: {
      type: 'boolean',
      default: false,
      env: 'COSMOS_AUTH_REQUIRED',
      description: 'Demand a token on loopback too (off the loopback a token is always demanded)',
    },
    tokens_file: {
      type: 'string',
      default: '',
      env: 'COSMOS_AUTH_TOKENS_FILE',
      description: 'A TOML file of more [[tokens]] tables (name, role, sha256), read at start; empty: none',
    },
    tokens: {
      type: 'rows',
      description: 'Who may call the service: one [[auth.tokens]] table per token, holding its SHA-256, never the token',
      identity: 'name',
      refused: {
        token: 'the token itself never goes in the file: put its sha256 (`npm run token -- create NAME --role ROLE` prints the line)',
      },
      row: {
        name: { type: 'string', format: 'name', required: true, description: 'Who the token is: recorded as the actor of everything it does; unique' },
        role: { type: 'enum', values: TOKEN_ROLES, required: true, description: 'viewer reads; operator also runs work; admin also deletes in bulk, kills and repairs' },
        sha256: { type: 'string', format: 'sha256-hex', required: true, description: "The token's SHA-256, 64 hex digits" },
      },
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
  gpu: {
    simulated_when_empty: {
      type: 'boolean',
      default: true,
      env: 'COSMOS_GPU_SIMULATED',
      description: 'With no [[gpu.nodes]], run jobs on an in-process simulated node named `simulated`',
    },
    status_interval_ms: {
      type: 'integer',
      default: 10000,
      min: 500,
      max: 600000,
      description: 'How often gpuNodesChanged probes each node (reachability, docker, nvidia-smi, containers)',
    },
    simulated_duration_ms: {
      type: 'integer',
      default: 4000,
      min: 0,
      max: 600000,
      env: 'COSMOS_GPU_SIMULATED_DURATION_MS',
      description: 'How long the simulated node takes per model run',
    },
    nodes: {
      type: 'rows',
      description: 'GPU hosts reached over SSH, one [[gpu.nodes]] table each (problems count them from 0)',
      identity: 'name',
      atLeastOneOf: [['known_hosts', 'host_key_fingerprint', 'trust_unknown_host_key']],
      atMostOneOf: [['gpu_devices', 'gpu_count']],
      refused: {
        passphrase: 'the secret never goes in the file: set passphrase_env to the name of an environment variable holding it',
      },
      row: {
        name: { type: 'string', format: 'name', required: true, description: 'Names the node in logs, events and errors; unique' },
        host: { type: 'string', format: 'host', required: true, description: 'Hostname or IP address (reachability is not checked here)' },
        port: { type: 'integer', default: 22, min: 1, max: 65535, description: 'SSH port' },
        user: { type: 'string', required: true, description: 'SSH user' },
        private_key_path: { type: 'string', format: 'path', required: true, description: 'Private key file, relative to the working directory' },
        passphrase_env: { type: 'string', format: 'env-name', description: "Environment variable holding the private key's passphrase" },
        known_hosts: { type: 'string', format: 'path', description: 'known_hosts file pinning the host key, relative to the working directory' },
        host_key_fingerprint: { type: 'string', format: 'sha256-fingerprint', description: 'Pinned host key, `SHA256:…` as ssh-keygen -lf prints it' },
        trust_unknown_host_key: { type: 'boolean', default: false, description: 'Accept a host key nothing pins (its fingerprint is logged)' },
        remote_dir: { type: 'string', format: 'absolute-posix-dir', required: true, description: 'Remote folder everything of ours lives under' },
        image: { type: 'string', required: true, description: 'Docker image the model runs in' },
        gpu_devices: { type: 'list', items: 'integer', min: 0, description: "GPU indices the node's jobs share out, each job holding its own; neither this nor gpu_count = every GPU nvidia-smi reports" },
        gpu_count: { type: 'integer', min: 1, max: 64, description: 'GPUs 0 to gpu_count - 1 are shared out among the jobs, each job holding its own' },
        docker_args: { type: 'list', items: 'string', default: [], description: 'Extra `docker run` options placed before the image (`--shm-size=8g`)' },
        sudo: { type: 'boolean', default: false, description: 'docker needs `sudo -n` on this host' },
        connect_timeout_ms: { type: 'integer', default: 10000, min: 1, max: 600000, description: 'SSH connect timeout' },
        keepalive_interval_ms: { type: 'integer', default: 15000, min: 0, max: 600000, description: 'SSH keepalive interval; 0 = off' },
        keepalive_count_max: { type: 'integer', default: 4, min: 1, max: 100, description: 'Unanswered keepalives before the connection counts as dead' },
      },
    },
  },
  jobs: {
    max_attempts: {
      type: 'integer',
      default: 3,
      min: 1,
      max: 20,
      description: 'Claims a job may get when its node is lost before the container starts; then it fails INTERRUPTED',
    },
    inference_timeout_seconds: { type: 'integer', default: 3600, min: 1, max: 172800, description: 'Longest run of an inference or batch container; then it is killed (TIMEOUT)' },
    upscale_timeout_seconds: { type: 'integer', default: 3600, min: 1, max: 172800, description: 'Longest run of a 4K upscale container; then it is killed (TIMEOUT)' },
    enhance_timeout_seconds: { type: 'integer', default: 1800, min: 1, max: 172800, description: 'Longest run of a prompt-upsampler container; then it is killed (TIMEOUT)' },
    inference_gpus: {
      type: 'enum',
      values: ['1', '2', '4', '8'],
      default: '1',
      description: "GPUs an inference or batch job's container gets when its request names none (numGpus); a node runs as many jobs at once as its GPUs allow",
    },
    upscale_gpus: { type: 'enum', values: ['1', '2', '4', '8'], default: '1', description: "GPUs a 4K upscale job's container gets when its request names none (numGpus)" },
    poll_interval_ms: {
      type: 'integer',
      default: 2000,
      min: 50,
      max: 60000,
      description: 'How often an idle node looks for work when no change woke it (changes wake it at once)',
    },
    pause_when_recovering: {
      type: 'boolean',
      default: false,
      env: 'COSMOS_JOBS_PAUSE_WHEN_RECOVERING',
      description: 'A worker that starts and finds jobs its nodes held (the last process stopped or crashed mid-job) pauses the queue: those jobs are still recovered, new ones wait for resumeQueue',
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
  : S extends { readonly type: 'list'; readonly items: 'string' }
    ? readonly string[]
    : S extends { readonly type: 'list'; readonly items: 'integer' }
      ? readonly number[]
      : S extends { readonly type: 'string' }
    ? string
    : S extends { readonly type: 'integer' | 'number' }
      ? number
      : S extends { readonly type: 'boolean' }
        ? boolean
        : never;

type RowValue<S> = S extends { readonly default: unknown } | { readonly required: true } ? SettingValue<S> : SettingValue<S> | undefined;

type EntryValue<E> = E extends { readonly type: 'rows'; readonly row: infer Row }
  ? readonly { readonly [Key in keyof Row & string as CamelCase<Key>]: RowValue<Row[Key]> }[]
  : SettingValue<E>;

/** The values a schema describes, keyed camelCase as TypeScript reads them. */
export type SchemaValues<Schema extends ConfigSchema> = {
  readonly [Section in keyof Schema & string as CamelCase<Section>]: {
    readonly [Key in keyof Schema[Section] & string as CamelCase<Key>]: EntryValue<Schema[Section][Key]>;
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

export interface RepeatedEntry {
  readonly section: string;
  readonly key: string;
  readonly name: string;
  readonly rows: RepeatedSection;
}

export function isRepeated(entry: SectionEntry): entry is RepeatedSection {
  return entry.type === 'rows';
}

/** Single-valued settings (`section.key`); the keys of repeated sections are not among them. */
export function listSettings(schema: ConfigSchema = configSchema): SettingEntry[] {
  return Object.entries(schema).flatMap(([section, keys]) =>
    Object.entries(keys).flatMap(([key, entry]) => (isRepeated(entry) ? [] : [{ section, key, name: `${section}.${key}`, setting: entry }])),
  );
}

export function listRepeated(schema: ConfigSchema = configSchema): RepeatedEntry[] {
  return Object.entries(schema).flatMap(([section, keys]) =>
    Object.entries(keys).flatMap(([key, entry]) => (isRepeated(entry) ? [{ section, key, name: `${section}.${key}`, rows: entry }] : [])),
  );
}
