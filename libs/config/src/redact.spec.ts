import { loadConfig } from './config.loader.js';
import { redactedConfig, redactSecrets } from './redact.js';

describe('redactSecrets', () => {
  it('hides URL passwords and bearer tokens, wherever they are in the text, and keeps the rest', () => {
    expect(redactSecrets('connect esdb://admin:changeit@127.0.0.1:2113?tls=false failed')).toBe('connect esdb://admin:***@127.0.0.1:2113?tls=false failed');
    expect(redactSecrets('"uri":"mongodb+srv://ana:p%40ss@db.example/cosmos"')).toBe('"uri":"mongodb+srv://ana:***@db.example/cosmos"');
    expect(redactSecrets('Authorization: Bearer cw_0123456789abcdef, then')).toBe('Authorization: Bearer ***, then');
    expect(redactSecrets('mongodb://127.0.0.1:27017 and http://host/a@b')).toBe('mongodb://127.0.0.1:27017 and http://host/a@b');
  });

  it('redacts the store connection strings of a loaded configuration, and nothing else', () => {
    const env = { EVENTSTORE_CONNECTION_STRING: 'esdb://admin:changeit@127.0.0.1:2113?tls=false', MONGODB_URI: 'mongodb://root:hunter2@127.0.0.1:27017' };
    const config = loadConfig({ cwd: '/nonexistent-cosmos-config-dir', env });
    const shown = redactedConfig(config);
    expect(shown.storage).toMatchObject({ eventstoreConnectionString: 'esdb://admin:***@127.0.0.1:2113?tls=false', mongodbUri: 'mongodb://root:***@127.0.0.1:27017' });
    expect(JSON.stringify(shown)).not.toMatch(/changeit|hunter2/);
    expect({ ...shown, storage: null }).toEqual({ ...config, storage: null });
  });
});
