import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig, type CosmosConfig } from './config.loader.js';
import { listSettings } from './config.schema.js';
import { acceptValue } from './setting.values.js';

const workspaces: string[] = [];
afterAll(() => workspaces.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A fresh working directory holding the given files. */
function workspace(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'cosmos-config-'));
  workspaces.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

function problemsOf(load: () => unknown): string[] {
  try {
    load();
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('uses the defaults when there is no file and no environment', () => {
    const cwd = workspace();
    const config: CosmosConfig = loadConfig({ cwd, env: {} });

    expect(config).toEqual({
      server: { host: '127.0.0.1', port: 3000, playground: true, introspection: 'auto', graphqlMaxDepth: 12, graphqlMaxComplexity: 20000, graphqlStackTraces: false, maxSocketsPerToken: 20, maxOperationsPerSocket: 50, graphqlMaxAliases: 30, maxBodyBytes: 1_048_576 },
      auth: { required: false, tokensFile: '', tokens: [] },
      runtime: { role: 'all', shutdownGraceSeconds: 10 },
      storage: {
        dataDir: path.join(cwd, 'data'),
        sqlitePath: path.join(cwd, 'data', 'cosmos.db'),
        eventstoreConnectionString: '',
        mongodbUri: '',
        mongodbDatabase: 'cosmos',
        mode: 'embedded',
      },
      paths: { inputsRoot: path.join(cwd, 'inputs', 'videos'), outputsRoot: path.join(cwd, 'outputs') },
      generation: { negativePrompt: expect.stringMatching(/^The video captures a game playing, .* unrealistic at all\.$/) },
      log: { level: 'info' },
      gpu: { simulatedWhenEmpty: true, statusIntervalMs: 10000, simulatedDurationMs: 4000, nodes: [] },
      jobs: { maxAttempts: 3, inferenceTimeoutSeconds: 3600, upscaleTimeoutSeconds: 3600, enhanceTimeoutSeconds: 1800, inferenceGpus: '1', upscaleGpus: '1', pollIntervalMs: 2000, pauseWhenRecovering: false },
      projections: { batchSize: 500, consistencyTimeoutMs: 2000 },
    });
  });

  it('reads [[auth.tokens]] by digest, refuses a token written in clear, and resolves the tokens file', () => {
    const digest = 'a'.repeat(64);
    const cwd = workspace({ 'cosmos.toml': `[auth]\ntokens_file = "secrets/tokens.toml"\n[[auth.tokens]]\nname = "ana"\nrole = "operator"\nsha256 = "${digest}"\n` });
    expect(loadConfig({ cwd, env: {} }).auth).toEqual({ required: false, tokensFile: path.join(cwd, 'secrets', 'tokens.toml'), tokens: [{ name: 'ana', role: 'operator', sha256: digest }] });

    const clear = workspace({ 'cosmos.toml': '[[auth.tokens]]\nname = "ana"\nrole = "guest"\ntoken = "cw_secret"\nsha256 = "ABC"\n' });
    expect(() => loadConfig({ cwd: clear, env: {} })).toThrow(/auth\.tokens\[0\]\.token is not accepted: the token itself never goes in the file/);
    expect(() => loadConfig({ cwd: clear, env: {} })).toThrow(/auth\.tokens\[0\]\.role must be one of viewer, operator, admin/);
    expect(() => loadConfig({ cwd: clear, env: {} })).toThrow(/auth\.tokens\[0\]\.sha256 must be a SHA-256 digest/);
  });

  it('returns a frozen object, sections included', () => {
    const config = loadConfig({ cwd: workspace(), env: {} });

    expect(Object.isFrozen(config)).toBe(true);
    for (const section of Object.values(config)) expect(Object.isFrozen(section)).toBe(true);
    // The type says so too (checked by tsc): camelCase keys, enum values as unions, read-only.
    const role: 'all' | 'api' | 'worker' = config.runtime.role;
    // @ts-expect-error read-only
    expect(() => (config.server.port = 1)).toThrow(TypeError);
    expect(role).toBe('all');
  });

  it('takes <cwd>/cosmos.toml over the defaults', () => {
    const cwd = workspace({
      'cosmos.toml': '[server]\nhost = "0.0.0.0"\nport = 8080\nplayground = false\n\n[runtime]\nrole = "worker"\n\n[log]\nlevel = "debug"\n',
    });

    const config = loadConfig({ cwd, env: {} });

    expect(config.server).toEqual({ host: '0.0.0.0', port: 8080, playground: false, introspection: 'auto', graphqlMaxDepth: 12, graphqlMaxComplexity: 20000, graphqlStackTraces: false, maxSocketsPerToken: 20, maxOperationsPerSocket: 50, graphqlMaxAliases: 30, maxBodyBytes: 1_048_576 });
    expect(config.runtime.role).toBe('worker');
    expect(config.log.level).toBe('debug');
    expect(config.projections.batchSize).toBe(500);
  });

  it('takes the environment over the file', () => {
    const cwd = workspace({ 'cosmos.toml': '[server]\nport = 8080\nplayground = true\n[storage]\nmongodb_database = "from-file"\n' });

    const config = loadConfig({
      cwd,
      env: { COSMOS_PORT: '9090', COSMOS_PLAYGROUND: 'no', MONGODB_DATABASE: 'from-env', COSMOS_ROLE: 'api' },
    });

    expect(config.server.port).toBe(9090);
    expect(config.server.playground).toBe(false);
    expect(config.storage.mongodbDatabase).toBe('from-env');
    expect(config.runtime.role).toBe('api');
  });

  it.each([
    ['true', true],
    ['false', false],
    ['1', true],
    ['0', false],
    ['yes', true],
    ['no', false],
    ['YES', true],
  ])('reads the boolean %s from the environment', (raw, expected) => {
    expect(loadConfig({ cwd: workspace(), env: { COSMOS_PLAYGROUND: raw } }).server.playground).toBe(expected);
  });

  it('reads the file COSMOS_CONFIG names, relative to cwd', () => {
    const cwd = workspace({ 'etc/prod.toml': '[server]\nport = 4000\n', 'cosmos.toml': '[server]\nport = 5000\n' });

    expect(loadConfig({ cwd, env: { COSMOS_CONFIG: 'etc/prod.toml' } }).server.port).toBe(4000);
  });

  it('prefers an explicit file over COSMOS_CONFIG', () => {
    const cwd = workspace({ 'a.toml': '[server]\nport = 4001\n', 'b.toml': '[server]\nport = 4002\n' });

    expect(loadConfig({ cwd, file: 'a.toml', env: { COSMOS_CONFIG: 'b.toml' } }).server.port).toBe(4001);
  });

  it('refuses an explicitly named file that does not exist', () => {
    const cwd = workspace();

    expect(problemsOf(() => loadConfig({ cwd, file: 'missing.toml', env: {} }))).toEqual(['missing.toml: config file not found']);
    expect(problemsOf(() => loadConfig({ cwd, env: { COSMOS_CONFIG: '/nowhere/cosmos.toml' } }))).toEqual([
      '/nowhere/cosmos.toml: config file not found (named by COSMOS_CONFIG)',
    ]);
  });

  it('reports unknown keys and sections by full name, with a suggestion when one is close', () => {
    const cwd = workspace({
      'cosmos.toml': [
        'log_level = "info"',
        '[server]',
        'prot = 3000',
        'graphqlMaxDepth = 10',
        'colour = "blue"',
        '[runtime]',
        'port = 3000',
        '[sever]',
        'host = "x"',
        '[gpu]',
        'nodes = 1',
      ].join('\n'),
    });

    expect(problemsOf(() => loadConfig({ cwd, env: {} }))).toEqual([
      'cosmos.toml: unknown key "log_level" (did you mean "log.level"?)',
      'cosmos.toml: unknown key "server.prot" (did you mean "server.port"?)',
      'cosmos.toml: unknown key "server.graphqlMaxDepth" (did you mean "server.graphql_max_depth"?)',
      'cosmos.toml: unknown key "server.colour"',
      'cosmos.toml: unknown key "runtime.port" (did you mean "server.port"?)',
      'cosmos.toml: unknown section [sever] (did you mean [server]?)',
      'cosmos.toml: gpu.nodes must be an array of tables ([[gpu.nodes]]), got 1',
    ]);
  });

  it('reports every bad value from the file and the environment at once', () => {
    const cwd = workspace({
      'cosmos.toml': [
        '[server]',
        'port = "3000"',
        'graphql_max_depth = 0',
        'playground = "yes"',
        '[runtime]',
        'role = "gpu"',
        'shutdown_grace_seconds = 3.0',
        '[projections]',
        'batch_size = 1e3',
        '[storage]',
        'data_dir = 7',
        '[log]',
        'level = ["info"]',
      ].join('\n'),
    });

    const problems = problemsOf(() =>
      loadConfig({ cwd, env: { COSMOS_PORT: 'abc', COSMOS_LOG_LEVEL: 'verbose', COSMOS_PLAYGROUND: 'maybe' } }),
    );

    expect(problems).toEqual([
      'cosmos.toml: server.port must be an integer between 0 and 65535, got "3000" (a quoted string: write it without quotes)',
      'cosmos.toml: server.graphql_max_depth must be an integer between 1 and 50, got 0',
      'cosmos.toml: server.playground must be a boolean (true or false), got "yes"',
      'cosmos.toml: runtime.role must be one of all, api, worker, got "gpu"',
      'cosmos.toml: runtime.shutdown_grace_seconds must be an integer between 1 and 600, got 3.0',
      'cosmos.toml: projections.batch_size must be an integer between 1 and 10000, got 1000.0',
      'cosmos.toml: storage.data_dir must be a string, got 7',
      'cosmos.toml: log.level must be one of debug, info, warn, error, got an array',
      'server.port must be an integer between 0 and 65535, got "abc" (from COSMOS_PORT)',
      'server.playground must be a boolean (true, yes, 1, false, no, 0), got "maybe" (from COSMOS_PLAYGROUND)',
      'log.level must be one of debug, info, warn, error, got "verbose" (from COSMOS_LOG_LEVEL)',
    ]);
  });

  it.each(['3000 ', '+3000', '3e3', '0x10', '3000.0', '', '-1', '65536'])(
    'refuses COSMOS_PORT=%j: integers from the environment are plain decimal digits within range',
    (raw) => {
      expect(problemsOf(() => loadConfig({ cwd: workspace(), env: { COSMOS_PORT: raw } }))).toEqual([
        `server.port must be an integer between 0 and 65535, got ${JSON.stringify(raw)} (from COSMOS_PORT)`,
      ]);
    },
  );

  it('reports a TOML syntax error with its line, alongside environment problems', () => {
    const cwd = workspace({ 'cosmos.toml': '[server]\nport = = 3000\n' });

    const problems = problemsOf(() => loadConfig({ cwd, env: { COSMOS_ROLE: 'gpu' } }));

    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^cosmos\.toml:2:\d+: TOML syntax error: \S/);
    expect(problems[1]).toBe('runtime.role must be one of all, api, worker, got "gpu" (from COSMOS_ROLE)');
  });

  it('lists every problem in the error message', () => {
    const error = (() => {
      try {
        loadConfig({ cwd: workspace(), env: { COSMOS_PORT: 'abc', COSMOS_ROLE: 'gpu' } });
      } catch (caught) {
        return caught as Error;
      }
      throw new Error('expected a ConfigError');
    })();

    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe(
      [
        'Invalid configuration:',
        '  - server.port must be an integer between 0 and 65535, got "abc" (from COSMOS_PORT)',
        '  - runtime.role must be one of all, api, worker, got "gpu" (from COSMOS_ROLE)',
      ].join('\n'),
    );
  });

  describe('storage', () => {
    it('is distributed when both connection strings are set', () => {
      const env = { EVENTSTORE_CONNECTION_STRING: 'esdb://localhost:2113?tls=false', MONGODB_URI: 'mongodb://localhost:27017' };

      const { storage } = loadConfig({ cwd: workspace(), env });

      expect(storage.mode).toBe('distributed');
      expect(storage.eventstoreConnectionString).toBe('esdb://localhost:2113?tls=false');
      expect(storage.mongodbUri).toBe('mongodb://localhost:27017');
    });

    it('combines a connection string from the file with one from the environment', () => {
      const cwd = workspace({ 'cosmos.toml': '[storage]\nmongodb_uri = "mongodb://db:27017"\n' });

      expect(loadConfig({ cwd, env: { EVENTSTORE_CONNECTION_STRING: 'esdb://es:2113' } }).storage.mode).toBe('distributed');
    });

    it.each([
      [{ EVENTSTORE_CONNECTION_STRING: 'esdb://localhost:2113' }, 'storage.eventstore_connection_string is set but storage.mongodb_uri is not'],
      [{ MONGODB_URI: 'mongodb://localhost:27017' }, 'storage.mongodb_uri is set but storage.eventstore_connection_string is not'],
    ])('refuses only one connection string (%j)', (env, lead) => {
      expect(problemsOf(() => loadConfig({ cwd: workspace(), env }))).toEqual([
        `${lead}: set both EVENTSTORE_CONNECTION_STRING and MONGODB_URI for the distributed mode, or neither`,
      ]);
    });

    it('lets an empty environment value switch a file connection string back off', () => {
      const cwd = workspace({ 'cosmos.toml': '[storage]\nmongodb_uri = "mongodb://db:27017"\n' });

      expect(loadConfig({ cwd, env: { MONGODB_URI: '' } }).storage.mode).toBe('embedded');
    });

    it('allows the api and worker roles on embedded storage (one machine, two processes)', () => {
      expect(loadConfig({ cwd: workspace(), env: { COSMOS_ROLE: 'worker' } }).storage.mode).toBe('embedded');
    });

    it('resolves a relative data_dir against cwd and keeps an absolute one', () => {
      const cwd = workspace({ 'cosmos.toml': '[storage]\ndata_dir = "var/cosmos"\n' });
      const elsewhere = workspace();

      expect(loadConfig({ cwd, env: {} }).storage).toMatchObject({
        dataDir: path.join(cwd, 'var', 'cosmos'),
        sqlitePath: path.join(cwd, 'var', 'cosmos', 'cosmos.db'),
      });
      expect(loadConfig({ cwd, env: { COSMOS_DATA_DIR: elsewhere } }).storage.sqlitePath).toBe(path.join(elsewhere, 'cosmos.db'));
    });
  });
  describe('gpu', () => {
    const FINGERPRINT = 'SHA256:' + 'A'.repeat(43);
    /** A complete node table; `extra` lines replace the base line of the same key. */
    const node = (name: string, extra: string[] = []): string => {
      const base = [`name = "${name}"`, 'host = "10.0.0.5"', 'user = "cosmos"', 'private_key_path = "keys/id_ed25519"', 'remote_dir = "/srv/cosmos"', 'image = "nvcr.io/cosmos:1"'];
      const keyOf = (line: string): string => line.split('=')[0].trim();
      const overridden = new Set(extra.map(keyOf));
      return ['[[gpu.nodes]]', ...base.filter((line) => !overridden.has(keyOf(line))), ...extra].join('\n');
    };

    it('reads two nodes, filling defaults and resolving paths against cwd', () => {
      const cwd = workspace({
        'cosmos.toml': [
          '[gpu]',
          'simulated_when_empty = false',
          node('a100-1', ['port = 2222', `host_key_fingerprint = "${FINGERPRINT}"`, 'passphrase_env = "NODE1_PASSPHRASE"', 'gpu_devices = [0, 1]']),
          node('a100-2', ['host = "localhost"', 'known_hosts = "etc/known_hosts"', 'gpu_count = 2', 'docker_args = ["--shm-size=8g"]', 'sudo = true']),
        ].join('\n'),
      });

      const { gpu } = loadConfig({ cwd, env: {} });

      expect(gpu.simulatedWhenEmpty).toBe(false);
      expect(gpu.nodes).toEqual([
        {
          name: 'a100-1',
          host: '10.0.0.5',
          port: 2222,
          user: 'cosmos',
          privateKeyPath: path.join(cwd, 'keys', 'id_ed25519'),
          passphraseEnv: 'NODE1_PASSPHRASE',
          knownHosts: undefined,
          hostKeyFingerprint: FINGERPRINT,
          trustUnknownHostKey: false,
          remoteDir: '/srv/cosmos',
          image: 'nvcr.io/cosmos:1',
          gpuDevices: [0, 1],
          gpuCount: undefined,
          dockerArgs: [],
          sudo: false,
          connectTimeoutMs: 10000,
          keepaliveIntervalMs: 15000,
          keepaliveCountMax: 4,
        },
        expect.objectContaining({
          name: 'a100-2',
          host: 'localhost',
          port: 22,
          knownHosts: path.join(cwd, 'etc', 'known_hosts'),
          gpuCount: 2,
          dockerArgs: ['--shm-size=8g'],
          sudo: true,
        }),
      ]);
      expect(Object.isFrozen(gpu.nodes)).toBe(true);
      expect(Object.isFrozen(gpu.nodes[0])).toBe(true);
    });

    it('takes COSMOS_GPU_SIMULATED over the file', () => {
      const cwd = workspace({ 'cosmos.toml': '[gpu]\nsimulated_when_empty = true\n' });

      expect(loadConfig({ cwd, env: { COSMOS_GPU_SIMULATED: 'no' } }).gpu.simulatedWhenEmpty).toBe(false);
    });

    it('reports missing required keys, naming the node', () => {
      const cwd = workspace({ 'cosmos.toml': '[[gpu.nodes]]\nname = "a100-1"\nhost = "10.0.0.5"\ntrust_unknown_host_key = true\n' });

      expect(problemsOf(() => loadConfig({ cwd, env: {} }))).toEqual([
        'cosmos.toml: gpu.nodes[0].user is required (gpu.nodes[0] ("a100-1"))',
        'cosmos.toml: gpu.nodes[0].private_key_path is required (gpu.nodes[0] ("a100-1"))',
        'cosmos.toml: gpu.nodes[0].remote_dir is required (gpu.nodes[0] ("a100-1"))',
        'cosmos.toml: gpu.nodes[0].image is required (gpu.nodes[0] ("a100-1"))',
      ]);
    });

    it('refuses duplicate names', () => {
      const trust = ['trust_unknown_host_key = true'];
      const cwd = workspace({ 'cosmos.toml': [node('a', trust), node('b', trust), node('a', trust)].join('\n') });

      expect(problemsOf(() => loadConfig({ cwd, env: {} }))).toEqual([
        'cosmos.toml: gpu.nodes[2].name "a" is already used by gpu.nodes[0]; names must be unique',
      ]);
    });

    it('reports bad values by full name, every node at once', () => {
      const cwd = workspace({
        'cosmos.toml': [
          node('a', ['port = "x"', 'host_key_fingerprint = "MD5:ab:cd"']),
          node('b', ['port = 70000', 'host = "bad host!"', 'remote_dir = "/"', 'trust_unknown_host_key = "yes"', 'gpu_devices = [0, -1]']),
          node('c', ['port = "2222"', 'passphrase_env = "my secret"', 'trust_unknown_host_key = true', 'gpu_devices = [0]', 'gpu_count = 1']),
        ].join('\n'),
      });

      expect(problemsOf(() => loadConfig({ cwd, env: {} }))).toEqual([
        'cosmos.toml: gpu.nodes[0].port must be an integer between 1 and 65535, got "x"',
        'cosmos.toml: gpu.nodes[0].host_key_fingerprint must be a SHA256 host key fingerprint ("SHA256:" + 43 base64 characters), got "MD5:ab:cd"',
        'cosmos.toml: gpu.nodes[0] ("a") needs one of known_hosts, host_key_fingerprint or trust_unknown_host_key = true',
        'cosmos.toml: gpu.nodes[1].port must be an integer between 1 and 65535, got 70000',
        'cosmos.toml: gpu.nodes[1].host must be a hostname or IP address, got "bad host!"',
        'cosmos.toml: gpu.nodes[1].remote_dir must be an absolute folder other than /, got "/"',
        'cosmos.toml: gpu.nodes[1].trust_unknown_host_key must be a boolean (true or false), got "yes"',
        'cosmos.toml: gpu.nodes[1].gpu_devices must be an array of integers of at least 0, got an array',
        'cosmos.toml: gpu.nodes[1] ("b") needs one of known_hosts, host_key_fingerprint or trust_unknown_host_key = true',
        'cosmos.toml: gpu.nodes[2].port must be an integer between 1 and 65535, got "2222" (a quoted string: write it without quotes)',
        'cosmos.toml: gpu.nodes[2].passphrase_env must be the name of an environment variable, got "my secret"',
        'cosmos.toml: gpu.nodes[2] ("c") sets gpu_devices and gpu_count: set at most one of them',
      ]);
    });

    it('reports unknown keys in a node with a suggestion, and refuses a passphrase written into the file', () => {
      const cwd = workspace({ 'cosmos.toml': node('a', ['trust_unknown_host_key = true', 'prot = 22', 'passphrase = "hunter2"', 'colour = "blue"']) });

      expect(problemsOf(() => loadConfig({ cwd, env: {} }))).toEqual([
        'cosmos.toml: unknown key "gpu.nodes[0].prot" (did you mean "gpu.nodes[0].port"?)',
        'cosmos.toml: gpu.nodes[0].passphrase is not accepted: the secret never goes in the file: set passphrase_env to the name of an environment variable holding it',
        'cosmos.toml: unknown key "gpu.nodes[0].colour"',
      ]);
    });

    it('accepts loopback and IPv6 hosts', () => {
      const cwd = workspace({
        'cosmos.toml': [node('a', ['host = "127.0.0.1"', 'trust_unknown_host_key = true']), node('b', ['host = "::1"', 'trust_unknown_host_key = true'])].join('\n'),
      });

      expect(loadConfig({ cwd, env: {} }).gpu.nodes.map((entry) => entry.host)).toEqual(['127.0.0.1', '::1']);
    });

    it('refuses gpu.nodes written as a single table', () => {
      const cwd = workspace({ 'cosmos.toml': '[gpu.nodes]\nname = "a"\n' });

      expect(problemsOf(() => loadConfig({ cwd, env: {} }))).toEqual(['cosmos.toml: gpu.nodes must be an array of tables ([[gpu.nodes]]), got a table']);
    });
  });
});

describe('configSchema', () => {
  it.each(listSettings().map((entry) => [entry.name, entry.setting] as const))('%s: the default satisfies its own rule', (_, setting) => {
    const asToml = setting.type === 'integer' ? BigInt(setting.default) : setting.default;

    expect(acceptValue(setting, asToml)).toBe(setting.default);
  });
});
