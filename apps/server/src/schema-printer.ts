import { NestFactory } from '@nestjs/core';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../libs/config/src/index.js';
import { CosmosModule } from './cosmos.module.js';

/**
 * The SDL the code builds, sorted, exactly as committed in schema.gql. Boots the full module
 * graph on a throwaway embedded store, so the schema is the same one every role serves.
 */
export async function printCosmosSchema(): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cosmos-schema-'));
  try {
    const config = loadConfig({ env: { COSMOS_DATA_DIR: dataDir }, cwd: dataDir });
    const app = await NestFactory.create(CosmosModule.forRole(config), { logger: false });
    await app.init();
    const { schema } = app.get(GraphQLSchemaHost);
    const sdl = printSchema(lexicographicSortSchema(schema));
    await app.close();
    return `# Generated from the code by \`npm run schema\`; do not edit. A test fails when it is stale.\n\n${sdl}\n`;
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
