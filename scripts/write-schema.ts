import { writeFileSync } from 'node:fs';
import { printCosmosSchema } from '../apps/server/src/schema-printer.js';

void printCosmosSchema().then((sdl) => {
  writeFileSync('schema.gql', sdl);
  process.stdout.write('schema.gql written\n');
});
