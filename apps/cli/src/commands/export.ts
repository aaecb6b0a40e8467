import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { CliError, EXIT } from '../client/cli-error.js';
import type { CommandContext } from '../context.js';
import { sinceTime } from './options.js';

export interface ExportOptions {
  out?: string;
  gzip?: boolean;
  category?: string[];
  type?: string[];
  stream?: string[];
  correlation?: string;
  since?: string;
  after?: string;
}

/**
 * The service's event log as NDJSON (its `/events.ndjson`, the `npm run events -- export`
 * format), streamed to a file or stdout: a client's export, with the caller's token, of any
 * deployment. The answer's headers come within --timeout; the stream itself may take long.
 */
export async function exportEvents(ctx: CommandContext, options: ExportOptions): Promise<void> {
  if (options.after !== undefined && !/^\d{1,20}$/.test(options.after)) throw new CliError(EXIT.usage, `--after is a log position, a whole number (got ${JSON.stringify(options.after)})`);
  const url = new URL('/events.ndjson', ctx.client.connection.url);
  for (const category of options.category ?? []) url.searchParams.append('category', category);
  for (const type of options.type ?? []) url.searchParams.append('type', type);
  for (const stream of options.stream ?? []) url.searchParams.append('stream', stream);
  if (options.correlation) url.searchParams.set('correlationId', options.correlation);
  const since = sinceTime(options.since);
  if (since) url.searchParams.set('occurredFrom', since);
  if (options.after) url.searchParams.set('afterPosition', options.after);
  const gzip = options.gzip === true || options.out?.endsWith('.gz') === true;
  if (gzip) url.searchParams.set('gzip', '1');
  const response = await ctx.client.stream(url);
  if (response.statusCode !== 200) {
    const body = await new Promise<string>((resolve) => {
      let text = '';
      response.on('data', (chunk) => (text += chunk));
      response.on('end', () => resolve(text));
    });
    const code = response.statusCode === 401 || response.statusCode === 403 ? EXIT.unreachable : response.statusCode === 400 ? EXIT.usage : EXIT.failed;
    throw new CliError(code, `export answered HTTP ${response.statusCode}: ${body.slice(0, 300)}`);
  }
  const target = options.out && options.out !== '-' ? createWriteStream(options.out) : process.stdout;
  await pipeline(response, target, { end: target !== process.stdout });
  if (target !== process.stdout) ctx.out.note(`wrote ${options.out}`);
}
