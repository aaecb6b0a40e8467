import { readFileSync } from 'node:fs';
import { printCosmosSchema } from '../apps/server/src/schema-printer.js';

describe('schema.gql', () => {
  it('is what the code builds (run `npm run schema` after changing the GraphQL surface)', async () => {
    expect(readFileSync('schema.gql', 'utf8')).toBe(await printCosmosSchema());
  });
});
