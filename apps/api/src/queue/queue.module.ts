import { Module } from '@nestjs/common';
import { CommandsModule } from '../graphql/commands.module.js';
import { RequestsModule } from '../requests/requests.module.js';
import { QueueResolver } from './queue.resolver.js';
import { BulkCancelResolver } from './bulk-cancel.resolver.js';

/** The queue: its view with ETAs, pause and resume, and cancelling many jobs at once. */
@Module({
  imports: [CommandsModule, RequestsModule],
  providers: [QueueResolver, BulkCancelResolver],
})
export class QueueModule {}
