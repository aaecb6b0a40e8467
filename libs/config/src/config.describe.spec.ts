import { describeConfig, describedKeys } from './config.describe.js';

describe('describeConfig', () => {
  it('renders one Markdown table row per setting, in schema order', () => {
    const lines = describeConfig().trimEnd().split('\n');

    expect(lines.slice(0, 2)).toEqual(['| Key | Type | Default | Environment | Description |', '| --- | --- | --- | --- | --- |']);
    expect(lines.slice(2).map((line) => line.split(' | ')[0].slice(2))).toEqual(describedKeys().map(([name]) => name));
  });

  it('shows type, range, default and environment variable', () => {
    const table = describeConfig();

    expect(table).toContain('| `server.port` | integer, 0–65535 | `3000` | `COSMOS_PORT` | HTTP/GraphQL port; 0 picks a free port |');
    expect(table).toContain('| `runtime.role` | one of `all`, `api`, `worker` | `"all"` | `COSMOS_ROLE` |');
    expect(table).toContain('| `server.graphql_max_depth` | integer, 1–50 | `12` |  | Deepest GraphQL query accepted, HTTP and WebSocket alike |');
    expect(table).toContain('| `storage.mongodb_uri` | string | `""` | `MONGODB_URI` |');
  });

  it('lists the keys of a repeated section under `section.key[]`', () => {
    const table = describeConfig();

    expect(table).toContain('| `gpu.nodes` | array of tables (`[[gpu.nodes]]`) | `[]` |  |');
    expect(table).toContain('| `gpu.nodes[].name` | string (name) | required |  |');
    expect(table).toContain('| `gpu.nodes[].port` | integer, 1–65535 | `22` |  | SSH port |');
    expect(table).toContain('| `gpu.nodes[].docker_args` | array of strings | `[]` |  |');
    expect(table).toContain('| `gpu.nodes[].passphrase_env` | string (env-name) |  |  |');
  });
});
