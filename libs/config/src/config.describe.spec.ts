import { describeConfig } from './config.describe.js';
import { listSettings } from './config.schema.js';

describe('describeConfig', () => {
  it('renders one Markdown table row per setting, in schema order', () => {
    const lines = describeConfig().trimEnd().split('\n');

    expect(lines.slice(0, 2)).toEqual(['| Key | Type | Default | Environment | Description |', '| --- | --- | --- | --- | --- |']);
    expect(lines.slice(2).map((line) => line.split(' | ')[0].slice(2))).toEqual(listSettings().map(({ name }) => `\`${name}\``));
  });

  it('shows type, range, default and environment variable', () => {
    const table = describeConfig();

    expect(table).toContain('| `server.port` | integer, 0–65535 | `3000` | `COSMOS_PORT` | HTTP/GraphQL port; 0 picks a free port |');
    expect(table).toContain('| `runtime.role` | one of `all`, `api`, `worker` | `"all"` | `COSMOS_ROLE` |');
    expect(table).toContain('| `server.graphql_max_depth` | integer, 1–50 | `12` |  | Deepest GraphQL query accepted |');
    expect(table).toContain('| `storage.mongodb_uri` | string | `""` | `MONGODB_URI` |');
  });
});
