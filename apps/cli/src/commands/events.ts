import { CliError, EXIT } from '../client/cli-error.js';
import type { CommandContext } from '../context.js';
import { table } from '../output/table.js';
import { sinceTime, wholeNumber } from './options.js';
import { openSocket, untilInterrupted } from './socket.js';

const EVENT = 'id position stream type revision occurredAt recordedAt schemaVersion data metadata { actor actorRole correlationId causationId }';

export interface EventsOptions {
  stream?: string[];
  type?: string[];
  correlation?: string;
  actor?: string;
  since?: string;
  limit?: string;
  follow?: boolean;
}

interface EventRow {
  readonly id: string;
  readonly position: string;
  readonly stream: string;
  readonly type: string;
  readonly revision: number;
  readonly occurredAt: string;
  readonly metadata: { readonly actor?: string; readonly correlationId?: string };
  readonly data: unknown;
}

/** The event history, oldest first within the page; --follow then goes on with each new event. */
export async function events(ctx: CommandContext, options: EventsOptions): Promise<void> {
  const filter = { streams: options.stream, types: options.type, correlationId: options.correlation, actor: options.actor, occurredFrom: sinceTime(options.since) };
  const last = wholeNumber('--limit', options.limit, 1, 500) ?? 50;
  const { events: page } = await ctx.client.query<{ events: { edges: { node: EventRow }[] } }>(
    `query($filter: EventFilterInput, $last: Int) { events(filter: $filter, last: $last) { edges { node { ${EVENT} } } } }`,
    { filter, last },
  );
  const rows = page.edges.map((edge) => edge.node);
  const print = (event: EventRow) => (ctx.out.json ? ctx.out.record(event) : ctx.out.line(lineOf(event)));
  if (ctx.out.json || options.follow) rows.forEach(print);
  else ctx.out.line(table(['position', 'stream', 'type', 'rev', 'occurred', 'actor', 'correlation'], rows.map((e) => [e.position, e.stream, e.type, e.revision, e.occurredAt, e.metadata.actor ?? '', e.metadata.correlationId ?? ''])));
  if (!options.follow) return;
  const after = rows.at(-1)?.position;
  const socket = await openSocket(ctx);
  try {
    await untilInterrupted(
      (done, fail) =>
        socket.subscribe<{ eventAppended: EventRow }>(
          { query: `subscription($after: String, $filter: EventFilterInput) { eventAppended(afterPosition: $after, filter: $filter) { ${EVENT} } }`, variables: { after, filter } },
          { next: ({ data }) => data && print(data.eventAppended), error: (error) => fail(new CliError(EXIT.unreachable, `lost the event stream: ${JSON.stringify(error)}`)), complete: done },
        ),
    );
  } finally {
    await socket.dispose();
  }
}

function lineOf(event: EventRow): string {
  return `${event.position} ${event.occurredAt} ${event.stream} ${event.type} ${event.metadata.actor ?? ''} ${JSON.stringify(event.data)}`;
}
