import { writeFileSync } from 'node:fs';
import { printCosmosSchema } from '../apps/api/src/graphql/schema-printer.js';

void printCosmosSchema().then((sdl) => {
  writeFileSync('schema.gql', sdl);
  process.stdout.write('schema.gql written\n');
});
