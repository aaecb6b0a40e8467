import { readFileSync } from 'node:fs';
import { buildSchema, parse, validate } from 'graphql';
import { WELCOME } from '../../playground/welcome.js';

describe('the playground example', () => {
  it('is a valid operation against the committed schema', () => {
    const schema = buildSchema(readFileSync('schema.gql', 'utf8'));
    expect(validate(schema, parse(WELCOME)).map(String)).toEqual([]);
  });
});
