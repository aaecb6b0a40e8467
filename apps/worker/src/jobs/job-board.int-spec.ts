import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EVENT_TYPES, EventTypeRegistry, openSqlite, type SqliteDatabase, SqliteEventStore } from '../../../../libs/eventstore/src/index.js';
import { SqliteDocumentStore } from '../../../../libs/read-models/src/index.js';
import { eventually, JobHistory, jobIdOf, minutesAfter } from '../../../../libs/testing/src/index.js';
import { BOARD_CHECKPOINT, JobBoard } from './job-board.js';

const t0 = '2026-12-04T10:00:00.000Z';
const registry = new EventTypeRegistry(EVENT_TYPES);
const logger = new Logger('test');

describe('JobBoard (SQLite)', () => {
  let db: SqliteDatabase;
  let events: SqliteEventStore;
  let documents: SqliteDocumentStore;
  let boards: JobBoard[];
  let woken: number;
  let cancels: string[];

  beforeEach(() => {
    db = openSqlite(':memory:');
    events = new SqliteEventStore(db);
    documents = new SqliteDocumentStore(db);
    boards = [];
    woken = 0;
    cancels = [];
  });

  afterEach(async () => {
    for (const board of boards) await board.close();
    await documents.close();
    await events.close();
    db.close();
  });

  const open = async () => {
    const board = new JobBoard(events, documents, registry, { workMayBeWaiting: () => void woken++, cancelRequested: (jobId) => void cancels.push(jobId) }, logger);
    boards.push(board);
    await board.start();
    return board;
  };
  const noise = () => events.append(`run-rs_${randomUUID()}`, [{ id: randomUUID(), type: 'Noise', data: {}, metadata: { occurredAt: t0, correlationId: 'c', causationId: 'c', schemaVersion: 1, actor: 't' } }], 'any');

  it('given a log of jobs, starts holding every open one: queued in claim order, claimed by node, ended ones gone', async () => {
    const log = new JobHistory();
    log.queued({ id: jobIdOf(1), queuedAt: t0 });
    log.queued({ id: jobIdOf(2), queuedAt: minutesAfter(t0, 1), priority: 90 });
    log.queued({ id: jobIdOf(3), queuedAt: minutesAfter(t0, 2) });
    log.queued({ id: jobIdOf(4), queuedAt: minutesAfter(t0, 3) });
    log.claimed(jobIdOf(3), minutesAfter(t0, 4), 'gpu-2');
    log.claimed(jobIdOf(4), minutesAfter(t0, 4), 'gpu-1');
    log.succeeded(jobIdOf(4), minutesAfter(t0, 5));
    await log.appendTo(events);
    // The log's head is another stream's event: start still knows when it has seen the board's part.
    await noise();

    const board = await open();
    expect(board.queued().map((job) => job.id)).toEqual([jobIdOf(2), jobIdOf(1)]);
    expect(board.heldBy(['gpu-2'])).toMatchObject([{ id: jobIdOf(3), status: 'claimed', attempts: 1 }]);
    expect(board.heldBy(['gpu-1'])).toEqual([]);
  });

  it('follows live events, waking idle nodes for claimable work and the runner of a job asked to cancel', async () => {
    const board = await open();
    const log = new JobHistory();
    log.queued({ id: jobIdOf(1), queuedAt: t0 });
    log.claimed(jobIdOf(1), minutesAfter(t0, 1), 'gpu-1');
    log.cancelRequested(jobIdOf(1), minutesAfter(t0, 2));
    await log.appendTo(events);
    await eventually(() => expect({ woken, cancels, held: board.heldBy(['gpu-1']).map((job) => job.cancelRequested) }).toEqual({ woken: 1, cancels: [jobIdOf(1)], held: [true] }));
  });

  it('restarts from its own checkpoint with the same view, folding only what came after', async () => {
    const log = new JobHistory();
    log.queued({ id: jobIdOf(1), queuedAt: t0 });
    log.queued({ id: jobIdOf(2), queuedAt: minutesAfter(t0, 1) });
    log.claimed(jobIdOf(1), minutesAfter(t0, 2), 'gpu-1');
    await log.appendTo(events);
    const first = await open();
    const head = await events.headPosition();
    await eventually(async () => expect(await documents.getCheckpoint(BOARD_CHECKPOINT)).toBe(head));
    await first.close();
    boards = [];

    const more = new JobHistory();
    more.queued({ id: jobIdOf(3), queuedAt: minutesAfter(t0, 3) });
    await more.appendTo(events);
    const second = await open();
    expect(second.queued().map((job) => job.id)).toEqual([jobIdOf(2), jobIdOf(3)]);
    expect(second.heldBy(['gpu-1']).map((job) => job.id)).toEqual([jobIdOf(1)]);
  });
});
