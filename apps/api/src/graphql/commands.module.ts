import { Module } from '@nestjs/common';
import { CATALOG_QUERIES, catalogProvider } from './catalog.provider.js';
import { CommandIssuer } from './command.issuer.js';

/** What every feature's resolvers share: issuing commands with the caller's identity, and the catalog queries. */
@Module({
  providers: [CommandIssuer, catalogProvider],
  exports: [CommandIssuer, CATALOG_QUERIES],
})
export class CommandsModule {}
