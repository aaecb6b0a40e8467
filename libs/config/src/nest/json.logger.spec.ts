import { Logger } from '@nestjs/common';
import { JsonLogger, type JsonLoggerOptions } from './json.logger.js';

const TIME = '2026-11-28T10:00:00.000Z';

/** A logger writing into an array, with a fixed clock; `records()` parses every line written. */
function capture(options: JsonLoggerOptions = {}) {
  const lines: string[] = [];
  const logger = new JsonLogger({ now: () => new Date(TIME), sink: { write: (line: string) => lines.push(line) }, ...options });
  const records = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger, lines, records };
}

const STACK = 'Error: boom\n    at run (/app/job.ts:10:5)\n    at main (/app/main.ts:3:1)';

describe('JsonLogger', () => {
  it('writes one JSON object per line with time, level, context and msg', () => {
    const { logger, lines, records } = capture();

    logger.log('started', 'Bootstrap');
    logger.warn('slow');

    expect(lines.every((line) => line.endsWith('\n') && !line.slice(0, -1).includes('\n'))).toBe(true);
    expect(records()).toEqual([
      { time: TIME, level: 'info', context: 'Bootstrap', msg: 'started' },
      { time: TIME, level: 'warn', msg: 'slow' },
    ]);
  });

  it('never writes a connection string password or a bearer token, in the message, a field or a stack', () => {
    const { logger, lines } = capture();

    logger.error({ msg: 'could not connect to mongodb://root:hunter2@127.0.0.1:27017', header: 'Bearer cw_secret_token' }, 'Error: esdb://admin:changeit@db:2113 refused\n    at x (/a.ts:1:1)');

    expect(lines.join('')).not.toMatch(/hunter2|changeit|cw_secret_token/);
    expect(JSON.parse(lines[0]!)).toMatchObject({ msg: 'could not connect to mongodb://root:***@127.0.0.1:27017', header: 'Bearer ***' });
  });

  it('merges the fields of an object message', () => {
    const { logger, records } = capture();

    logger.log({ msg: 'job queued', jobId: 'job_1a2b3c4d5e6f', priority: 5 }, 'Queue');

    expect(records()).toEqual([{ time: TIME, level: 'info', context: 'Queue', msg: 'job queued', jobId: 'job_1a2b3c4d5e6f', priority: 5 }]);
  });

  it('merges object parameters after a string message', () => {
    const { logger, records } = capture();

    logger.log('claimed', { node: 'gpu-1', attempt: 2 }, 'Worker');

    expect(records()).toEqual([{ time: TIME, level: 'info', context: 'Worker', msg: 'claimed', node: 'gpu-1', attempt: 2 }]);
  });

  it('keeps its own time and level over same-named fields passed in', () => {
    const { logger, records } = capture();

    logger.log({ msg: 'x', level: 'debug', time: 'yesterday' });

    expect(records()).toEqual([{ time: TIME, level: 'info', msg: 'x' }]);
  });

  it('uses the default context when a call names none', () => {
    const { logger, records } = capture({ context: 'Cosmos' });

    logger.log('hello');

    expect(records()[0].context).toBe('Cosmos');
  });

  it('reads error(message, stack, context) as Nest calls it', () => {
    const { logger, records } = capture();

    logger.error('job failed', STACK, 'Worker');
    logger.error('no stack', undefined, 'Worker');
    logger.error('bare stack', STACK);

    expect(records()).toEqual([
      { time: TIME, level: 'error', context: 'Worker', msg: 'job failed', stack: STACK },
      { time: TIME, level: 'error', context: 'Worker', msg: 'no stack' },
      { time: TIME, level: 'error', msg: 'bare stack', stack: STACK },
    ]);
  });

  it('takes msg and stack from an Error', () => {
    const { logger, records } = capture();
    const error = new Error('disk full');

    logger.error(error, 'Storage');

    expect(records()).toEqual([{ time: TIME, level: 'error', context: 'Storage', msg: 'disk full', stack: error.stack }]);
  });

  it('writes only levels at or above the minimum', () => {
    const { logger, records } = capture({ level: 'warn' });

    logger.verbose('v');
    logger.debug('d');
    logger.log('i');
    logger.warn('w');
    logger.error('e');
    logger.fatal('f');

    expect(records().map((record) => record.level)).toEqual(['warn', 'error', 'fatal']);
  });

  it('writes verbose as debug when debug is enabled', () => {
    const { logger, records } = capture({ level: 'debug' });

    logger.verbose('v', 'Ctx');

    expect(records()).toEqual([{ time: TIME, level: 'debug', context: 'Ctx', msg: 'v' }]);
  });

  it('never throws on fields it cannot serialise', () => {
    const { logger, records } = capture();
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;

    logger.log({ msg: 'cyclic', cyclic, big: 1n });

    expect(records()).toEqual([{ time: TIME, level: 'info', msg: 'cyclic', logError: expect.stringContaining('not serialisable') }]);
  });

  it('serialises bigints and nested errors', () => {
    const { logger, records } = capture();

    logger.warn({ msg: 'retrying', position: 12n, cause: new TypeError('socket closed') });

    expect(records()[0]).toMatchObject({ position: '12', cause: { name: 'TypeError', message: 'socket closed' } });
  });

  it('receives the shapes Nest Logger instances send', () => {
    const { logger, records } = capture();
    Logger.overrideLogger(logger);
    const jobs = new Logger('Jobs');

    jobs.log('queued');
    jobs.error('failed', STACK);
    jobs.error('failed quietly');
    jobs.log({ msg: 'claimed', jobId: 'job_1' });

    expect(records()).toEqual([
      { time: TIME, level: 'info', context: 'Jobs', msg: 'queued' },
      { time: TIME, level: 'error', context: 'Jobs', msg: 'failed', stack: STACK },
      { time: TIME, level: 'error', context: 'Jobs', msg: 'failed quietly' },
      { time: TIME, level: 'info', context: 'Jobs', msg: 'claimed', jobId: 'job_1' },
    ]);
  });
});
