import { Controller, Get, Inject, Logger, Query, Req, Res } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Writable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { DomainError, InvalidInput } from '../../../../libs/domain/src/index.js';
import { EVENT_STORE, EVENT_TYPE_REGISTRY, type EventStore, type EventTypeRegistry } from '../../../../libs/eventstore/src/index.js';
import { checkFilter, type HistoryFilter, writeNdjson } from '../../../../libs/history/src/index.js';

type QueryValue = string | string[] | undefined;

/** A list filter given as repeated parameters (`?type=A&type=B`) or comma-separated (`?type=A,B`). */
function list(value: QueryValue): string[] | undefined {
  if (value === undefined) return undefined;
  return (Array.isArray(value) ? value : [value]).flatMap((item) => item.split(',')).filter((item) => item !== '');
}

function single(value: QueryValue): string | undefined {
  return Array.isArray(value) ? value[value.length - 1] : value;
}

function position(value: QueryValue, field: string): number | undefined {
  const text = single(value);
  if (text === undefined) return undefined;
  if (!/^\d{1,16}$/.test(text)) throw new InvalidInput([{ field, problem: `must be a log position (got ${JSON.stringify(text)})` }]);
  return Number(text);
}

/** The same filters as the `events` query, as query parameters. */
function filterOf(query: Record<string, QueryValue>): HistoryFilter {
  const entries: [keyof HistoryFilter, unknown][] = [
    ['streamIds', list(query.stream)],
    ['categories', list(query.category)],
    ['eventTypes', list(query.type)],
    ['correlationId', single(query.correlationId)],
    ['causationId', single(query.causationId)],
    ['actor', single(query.actor)],
    ['occurredFrom', single(query.occurredFrom)],
    ['occurredBefore', single(query.occurredBefore)],
    ['fromPosition', position(query.fromPosition, 'fromPosition')],
    ['toPosition', position(query.toPosition, 'toPosition')],
  ];
  return Object.fromEntries(entries.filter(([, value]) => value !== undefined)) as HistoryFilter;
}

/**
 * `GET /events.ndjson`: the log as NDJSON, one event per line with its metadata, streamed a page at
 * a time so memory stays flat whatever the log's size; the socket's backpressure paces the reads.
 * `afterPosition` resumes a cut-off download; `Accept-Encoding: gzip` (or `?gzip=1`) compresses.
 */
@Controller()
export class EventsExportController {
  private readonly logger = new Logger('EventsExport');

  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(EVENT_TYPE_REGISTRY) private readonly registry: EventTypeRegistry,
  ) {}

  @Get('events.ndjson')
  async export(@Query() query: Record<string, QueryValue>, @Req() request: IncomingMessage, @Res() response: ServerResponse): Promise<void> {
    let filter: HistoryFilter;
    let afterPosition: number | undefined;
    try {
      filter = checkFilter(this.registry, filterOf(query));
      afterPosition = position(query.afterPosition, 'afterPosition');
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      response.writeHead(400, { 'content-type': 'application/json; charset=utf-8' });
      response.end(JSON.stringify({ code: error.code, message: error.message, details: error.details }));
      return;
    }
    const gzip = single(query.gzip) === '1' || single(query.gzip) === 'true' || /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
    response.writeHead(200, {
      'content-type': 'application/x-ndjson; charset=utf-8',
      'cache-control': 'no-store',
      ...(gzip ? { 'content-encoding': 'gzip', vary: 'Accept-Encoding' } : {}),
    });
    const gone = new AbortController();
    response.once('close', () => gone.abort());
    const sink: Writable = gzip ? createGzip() : response;
    if (gzip) (sink as ReturnType<typeof createGzip>).pipe(response);
    const { fromPosition, toPosition, ...portFilter } = filter;
    const after = Math.max(afterPosition ?? 0, fromPosition === undefined ? 0 : fromPosition - 1);
    try {
      await writeNdjson(this.events, sink, { filter: portFilter, afterPosition: after || undefined, toPosition, signal: gone.signal });
      sink.end();
    } catch (error) {
      // The client went away, or the store failed mid-stream: the body is cut short, never padded.
      if (!gone.signal.aborted) this.logger.error({ msg: 'event export failed mid-stream', error: (error as Error).message });
      response.destroy();
    }
  }
}
