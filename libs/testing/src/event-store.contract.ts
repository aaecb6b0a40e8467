import { randomUUID } from 'node:crypto';
import { type AllFilter, type EventMetadata, type EventStore, type EventToAppend, randomEventId, type RecordedEvent, StreamDeleted, StreamNotFound, WrongExpectedVersion } from '../../eventstore/src/index.js';

export interface OpenedEventStore {
  readonly store: EventStore;
  close(): Promise<void>;
}

/** Every wait on a subscription is bounded, so a lost or missing event fails the test instead of hanging it. */
const WAIT_MS = 5_000;
/** Generous for a remote server; the SQLite runs take milliseconds. */
const TEST_MS = 30_000;

export async function within<T>(promise: Promise<T>, what: string, ms = WAIT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The next `count` events of a subscription, failing if it ends or stalls first. */
export async function take(events: AsyncIterator<RecordedEvent>, count: number, what = 'events'): Promise<RecordedEvent[]> {
  const taken: RecordedEvent[] = [];
  while (taken.length < count) {
    const next = await within(events.next(), `${what} (${taken.length} of ${count} so far)`);
    if (next.done) throw new Error(`subscription ended after ${taken.length} of ${count} ${what}`);
    taken.push(next.value);
  }
  return taken;
}

export async function waitUntil(condition: () => boolean, what: string, ms = WAIT_MS): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export function anEvent(type: string, data: object = {}, metadata: Partial<EventMetadata> = {}): EventToAppend {
  return {
    id: randomEventId(),
    type,
    data,
    metadata: {
      occurredAt: '2026-03-01T10:00:00.000Z',
      correlationId: 'correlation-1',
      causationId: 'command-1',
      schemaVersion: 1,
      actor: 'system:contract',
      ...metadata,
    },
  };
}

/** Stream names and event types no other test (or other run against a shared server) uses. */
function freshScope() {
  const token = randomUUID().replaceAll('-', '').slice(0, 12);
  const prefix = `test${token}-`;
  return {
    prefix,
    filter: { streamPrefixes: [prefix] } satisfies AllFilter,
    stream: (name: string) => `${prefix}${name}`,
    type: (name: string) => `${name}_${token}`,
  };
}

const ids = (events: readonly { id: string }[]) => events.map((event) => event.id);
const revisions = (events: readonly RecordedEvent[]) => events.map((event) => event.revision);

function expectStrictlyIncreasing(positions: readonly number[]): void {
  positions.slice(1).forEach((position, i) => expect(position).toBeGreaterThan(positions[i]));
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection, got a result');
    },
    (error: unknown) => error,
  );
}

/**
 * The behaviour every EventStore adapter owes the rest of the service. Each test opens its own
 * store and uses its own stream prefix, so the suite can run against a shared server.
 */
export function describeEventStoreContract(adapterName: string, open: () => Promise<OpenedEventStore>): void {
  describe(`EventStore contract: ${adapterName}`, () => {
    let opened: OpenedEventStore | undefined;
    let store: EventStore;
    let scope: ReturnType<typeof freshScope>;

    beforeEach(async () => {
      opened = undefined;
      opened = await open();
      store = opened.store;
      scope = freshScope();
    });
    afterEach(async () => {
      await opened?.close();
    });

    describe('append', () => {
      it('starts a stream with no_stream and numbers revisions from 0', async () => {
        const stream = scope.stream('order');
        const first = await store.append(stream, [anEvent('Opened')], 'no_stream');
        const second = await store.append(stream, [anEvent('Priced'), anEvent('Shipped')], 0);

        expect(first.revision).toBe(0);
        expect(second.revision).toBe(2);
        const stored = await store.readStream(stream);
        expect(revisions(stored)).toEqual([0, 1, 2]);
        expect(stored[0].position).toBe(first.position);
        expect(stored[2].position).toBe(second.position);
        expectStrictlyIncreasing(stored.map((event) => event.position));
      }, TEST_MS);

      it('accepts the current revision and rejects a stale one, reporting the actual revision', async () => {
        const stream = scope.stream('order');
        await store.append(stream, [anEvent('Opened'), anEvent('Priced')], 'no_stream');

        const error = await rejection(store.append(stream, [anEvent('Late')], 0));
        expect(error).toBeInstanceOf(WrongExpectedVersion);
        expect(error).toMatchObject({ streamId: stream, expected: 0, actual: 1 });
        await expect(store.append(stream, [anEvent('Shipped')], 1)).resolves.toMatchObject({ revision: 2 });
        expect(revisions(await store.readStream(stream))).toEqual([0, 1, 2]);
      }, TEST_MS);

      it('rejects no_stream when the stream exists', async () => {
        const stream = scope.stream('order');
        await store.append(stream, [anEvent('Opened')], 'no_stream');

        const error = await rejection(store.append(stream, [anEvent('Opened')], 'no_stream'));
        expect(error).toBeInstanceOf(WrongExpectedVersion);
        expect(error).toMatchObject({ expected: 'no_stream', actual: 0 });
      }, TEST_MS);

      it('rejects stream_exists on a missing stream and accepts it once the stream exists', async () => {
        const stream = scope.stream('order');

        const error = await rejection(store.append(stream, [anEvent('Priced')], 'stream_exists'));
        expect(error).toBeInstanceOf(WrongExpectedVersion);
        expect(error).toMatchObject({ expected: 'stream_exists', actual: -1 });
        await expect(store.readStream(stream)).rejects.toThrow(StreamNotFound);

        await store.append(stream, [anEvent('Opened')], 'no_stream');
        await expect(store.append(stream, [anEvent('Priced')], 'stream_exists')).resolves.toMatchObject({ revision: 1 });
      }, TEST_MS);

      it('appends with any whether or not the stream exists', async () => {
        const stream = scope.stream('order');
        await expect(store.append(stream, [anEvent('Opened')], 'any')).resolves.toMatchObject({ revision: 0 });
        await expect(store.append(stream, [anEvent('Priced')], 'any')).resolves.toMatchObject({ revision: 1 });
      }, TEST_MS);

      it('lets exactly one of several concurrent appends at the same expected revision win', async () => {
        const stream = scope.stream('order');
        await store.append(stream, [anEvent('Opened')], 'no_stream');
        const contenders = Array.from({ length: 5 }, (_, i) => anEvent('Claimed', { by: i }));

        const outcomes = await Promise.allSettled(contenders.map((event) => store.append(stream, [event], 0)));

        const winners = outcomes.flatMap((outcome, i) => (outcome.status === 'fulfilled' ? [contenders[i]] : []));
        const losers = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason as unknown] : []));
        expect(winners).toHaveLength(1);
        expect(losers).toHaveLength(4);
        for (const loser of losers) {
          expect(loser).toBeInstanceOf(WrongExpectedVersion);
          expect(loser).toMatchObject({ actual: 1 });
        }
        const stored = await store.readStream(stream);
        expect(stored.map((event) => event.data)).toEqual([{}, winners[0].data]);
      }, TEST_MS);

      it('answers a retried append (same event ids) with the original result and stores nothing twice', async () => {
        const stream = scope.stream('order');
        const opening = [anEvent('Opened'), anEvent('Priced')];
        const shipping = [anEvent('Shipped')];
        const start = await store.headPosition();

        const opened1 = await store.append(stream, opening, 'no_stream');
        const opened2 = await store.append(stream, opening, 'no_stream');
        const shipped1 = await store.append(stream, shipping, 1);
        const shipped2 = await store.append(stream, shipping, 1);

        expect(opened2).toEqual(opened1);
        expect(shipped2).toEqual(shipped1);
        expect(ids(await store.readStream(stream))).toEqual(ids([...opening, ...shipping]));
        expect(ids(await store.readAll({ afterPosition: start, filter: scope.filter }))).toEqual(ids([...opening, ...shipping]));
      }, TEST_MS);
    });

    describe('readStream', () => {
      it('reads forwards, backwards, from an inclusive revision and up to a count', async () => {
        const stream = scope.stream('order');
        await store.append(stream, [0, 1, 2, 3, 4].map((n) => anEvent('Counted', { n })), 'no_stream');

        expect(revisions(await store.readStream(stream))).toEqual([0, 1, 2, 3, 4]);
        expect(revisions(await store.readStream(stream, { direction: 'backwards' }))).toEqual([4, 3, 2, 1, 0]);
        expect(revisions(await store.readStream(stream, { fromRevision: 2 }))).toEqual([2, 3, 4]);
        expect(revisions(await store.readStream(stream, { direction: 'backwards', fromRevision: 2 }))).toEqual([2, 1, 0]);
        expect(revisions(await store.readStream(stream, { maxCount: 2 }))).toEqual([0, 1]);
        expect(revisions(await store.readStream(stream, { direction: 'backwards', maxCount: 2 }))).toEqual([4, 3]);
        expect(revisions(await store.readStream(stream, { fromRevision: 1, maxCount: 2 }))).toEqual([1, 2]);
        expect(await store.readStream(stream, { fromRevision: 5 })).toEqual([]);
      }, TEST_MS);

      it('throws StreamNotFound for a stream that was never written', async () => {
        const error = await rejection(store.readStream(scope.stream('nothing')));
        expect(error).toBeInstanceOf(StreamNotFound);
        expect(error).toMatchObject({ streamId: scope.stream('nothing') });
      }, TEST_MS);

      it('round-trips data and the metadata envelope exactly, wherever the event is read from', async () => {
        const stream = scope.stream('order');
        const event = anEvent(
          'Described',
          { title: 'Ünïcode ✓', nested: { list: [1, 'two', null, { deep: true }] }, at: '2026-03-01T10:00:00.000Z' },
          {
            occurredAt: '2026-03-01T09:59:59.123Z',
            correlationId: 'user-command-7',
            causationId: 'event-6',
            schemaVersion: 3,
            actor: 'cli:alice',
            traceId: 'trace-42',
          },
        );
        const start = await store.headPosition();
        const written = await store.append(stream, [event], 'no_stream');

        const [read] = await store.readStream(stream);
        expect(read).toEqual({
          id: event.id,
          streamId: stream,
          revision: 0,
          position: written.position,
          type: event.type,
          data: event.data,
          metadata: event.metadata,
          recordedAt: expect.any(String),
        });
        expect(new Date(read.recordedAt).toISOString()).toBe(read.recordedAt);
        expect(await store.readAll({ afterPosition: start, filter: scope.filter })).toEqual([read]);
        const subscription = store.subscribeToAll({ afterPosition: start, filter: scope.filter });
        try {
          expect(await take(subscription[Symbol.asyncIterator](), 1)).toEqual([read]);
        } finally {
          await subscription.close();
        }
      }, TEST_MS);
    });

    describe('readAll', () => {
      /** Four events over two streams and two (prefix-related) types, in this position order. */
      async function writeMixed() {
        const start = await store.headPosition();
        const opened = scope.type('Opened');
        const openedLate = scope.type('OpenedLate'); // shares a prefix with `opened`: type filters are exact
        const events = [anEvent(opened), anEvent(openedLate), anEvent(opened), anEvent(openedLate)];
        await store.append(scope.stream('a-1'), [events[0]], 'no_stream');
        await store.append(scope.stream('b-1'), [events[1]], 'no_stream');
        await store.append(scope.stream('a-1'), [events[2]], 0);
        await store.append(scope.stream('a-2'), [events[3]], 'no_stream');
        return { start, opened, openedLate, events };
      }

      it('reads in position order, strictly after the given position, up to a count', async () => {
        const { start, events } = await writeMixed();

        const all = await store.readAll({ afterPosition: start, filter: scope.filter });
        expect(ids(all)).toEqual(ids(events));
        expectStrictlyIncreasing(all.map((event) => event.position));
        expect(await store.readAll({ afterPosition: all[1].position, filter: scope.filter })).toEqual(all.slice(2));
        expect(await store.readAll({ afterPosition: start, filter: scope.filter, maxCount: 2 })).toEqual(all.slice(0, 2));
        expect(await store.readAll({ afterPosition: all[3].position, filter: scope.filter })).toEqual([]);
      }, TEST_MS);

      it('filters by stream prefixes, any of them', async () => {
        const { start, events } = await writeMixed();

        const onlyA = await store.readAll({ afterPosition: start, filter: { streamPrefixes: [scope.stream('a-')] } });
        expect(ids(onlyA)).toEqual(ids([events[0], events[2], events[3]]));
        const a1AndB = await store.readAll({
          afterPosition: start,
          filter: { streamPrefixes: [scope.stream('a-1'), scope.stream('b-')] },
        });
        expect(ids(a1AndB)).toEqual(ids(events.slice(0, 3)));
      }, TEST_MS);

      it('filters by exact event types', async () => {
        const { start, opened, openedLate, events } = await writeMixed();

        const justOpened = await store.readAll({ afterPosition: start, filter: { eventTypes: [opened] } });
        expect(ids(justOpened)).toEqual(ids([events[0], events[2]]));
        const both = await store.readAll({ afterPosition: start, filter: { eventTypes: [openedLate, opened] } });
        expect(ids(both)).toEqual(ids(events));
      }, TEST_MS);

      it('applies stream prefixes and event types together', async () => {
        const { start, openedLate, events } = await writeMixed();

        const filtered = await store.readAll({
          afterPosition: start,
          filter: { streamPrefixes: [scope.stream('a-')], eventTypes: [openedLate] },
        });
        expect(ids(filtered)).toEqual(ids([events[3]]));
      }, TEST_MS);

      it('moves the head position forward with every append', async () => {
        const before = await store.headPosition();
        expect(before).toBeGreaterThanOrEqual(0);

        const first = await store.append(scope.stream('order'), [anEvent('Opened')], 'no_stream');
        const afterFirst = await store.headPosition();
        const second = await store.append(scope.stream('order'), [anEvent('Priced')], 0);

        expect(first.position).toBeGreaterThan(before);
        expect(afterFirst).toBeGreaterThanOrEqual(first.position);
        expect(second.position).toBeGreaterThan(first.position);
        expect(await store.headPosition()).toBeGreaterThanOrEqual(second.position);
      }, TEST_MS);
    });

    describe('readEvents', () => {
      /** Five events in two categories (one a dash-less stream), with varied metadata, in this order. */
      async function writeHistory() {
        const token = scope.type('c');
        const one = `${token}one`;
        const two = `${token}two`;
        const stamp = (i: number, extra: Partial<EventMetadata> = {}) =>
          ({ occurredAt: `2026-03-0${i + 1}T10:00:00.000Z`, correlationId: `corr-${token}-${i % 2}`, causationId: `cause-${token}-${i}`, actor: i < 3 ? 'ana' : 'ben', ...extra });
        const events = [0, 1, 2, 3, 4].map((i) => anEvent(i % 2 ? scope.type('Priced') : scope.type('Opened'), { i }, stamp(i)));
        await store.append(`${one}-1`, [events[0]], 'no_stream');
        await store.append(`${two}-1`, [events[1]], 'no_stream');
        await store.append(one, [events[2]], 'no_stream');
        await store.append(`${one}-1`, [events[3]], 0);
        await store.append(`${two}-2`, [events[4]], 'no_stream');
        const stored = await store.readEvents({ filter: { categories: [one, two] }, direction: 'forwards', limit: 100 });
        return { one, two, token, events, stored };
      }

      it('reads a category in either direction between exclusive positions, up to a limit', async () => {
        const { one, two, events, stored } = await writeHistory();
        expect(ids(stored)).toEqual(ids(events));
        const backwards = await store.readEvents({ filter: { categories: [one, two] }, direction: 'backwards', limit: 100 });
        expect(ids(backwards)).toEqual(ids(events).reverse());
        const middle = await store.readEvents({
          filter: { categories: [one, two] }, direction: 'forwards', afterPosition: stored[0].position, beforePosition: stored[4].position, limit: 2,
        });
        expect(ids(middle)).toEqual(ids(events.slice(1, 3)));
        const newestBefore = await store.readEvents({ filter: { categories: [one, two] }, direction: 'backwards', beforePosition: stored[3].position, limit: 2 });
        expect(ids(newestBefore)).toEqual(ids([events[2], events[1]]));
        expect(await store.countEvents({ filter: { categories: [one, two] }, afterPosition: stored[0].position })).toBe(4);
      }, TEST_MS);

      it('reads the same events encoded: payload and metadata as the JSON text encoding them gives', async () => {
        const { one, two, stored } = await writeHistory();
        const options = { filter: { categories: [one, two] }, direction: 'backwards' as const, beforePosition: stored[4].position, limit: 3 };
        const decoded = await store.readEvents(options);
        const encoded = await store.readEncodedEvents(options);
        expect(encoded).toEqual(decoded.map(({ data, metadata, ...event }) => ({ ...event, dataJson: JSON.stringify(data), metadataJson: JSON.stringify(metadata) })));
      }, TEST_MS);

      it('matches a dash-less stream as its own category, and exact stream ids', async () => {
        const { one, events } = await writeHistory();
        expect(ids(await store.readEvents({ filter: { categories: [one] }, direction: 'forwards', limit: 10 }))).toEqual(ids([events[0], events[2], events[3]]));
        expect(ids(await store.readEvents({ filter: { streamIds: [one] }, direction: 'forwards', limit: 10 }))).toEqual(ids([events[2]]));
      }, TEST_MS);

      it('filters by types, correlation, causation, actor and an occurredAt range, together', async () => {
        const { one, two, token, events } = await writeHistory();
        const read = (filter: object) => store.readEvents({ filter: { categories: [one, two], ...filter }, direction: 'forwards', limit: 10 });
        expect(ids(await read({ eventTypes: [scope.type('Priced')] }))).toEqual(ids([events[1], events[3]]));
        expect(ids(await read({ correlationId: `corr-${token}-0` }))).toEqual(ids([events[0], events[2], events[4]]));
        expect(ids(await read({ causationId: `cause-${token}-3` }))).toEqual(ids([events[3]]));
        expect(ids(await read({ actor: 'ben' }))).toEqual(ids([events[3], events[4]]));
        expect(ids(await read({ occurredFrom: '2026-03-02T10:00:00.000Z', occurredBefore: '2026-03-04T10:00:00.000Z' }))).toEqual(ids([events[1], events[2]]));
        expect(ids(await read({ actor: 'ana', correlationId: `corr-${token}-1` }))).toEqual(ids([events[1]]));
        expect(await store.countEvents({ filter: { categories: [one, two], actor: 'ana' } })).toBe(3);
      }, TEST_MS);
    });

    describe('subscribeToAll', () => {
      it('catches up, then goes live, with no gap and no duplicate while writers append concurrently', async () => {
        const start = await store.headPosition();
        for (let batch = 0; batch < 30; batch++) {
          const events = Array.from({ length: 10 }, (_, i) => anEvent('Stored', { batch, i }));
          await store.append(scope.stream(`stored-${batch % 3}`), events, 'any');
        }

        const subscription = store.subscribeToAll({ afterPosition: start, filter: scope.filter });
        const liveOnly = { streamPrefixes: [scope.stream('live-')] };
        const alongside = store.subscribeToAll({ afterPosition: start, filter: liveOnly });
        try {
          const events = subscription[Symbol.asyncIterator]();
          const writers = Promise.all(
            [0, 1, 2, 3].map(async (writer) => {
              for (let i = 0; i < 50; i++) {
                await store.append(scope.stream(`live-${writer}`), [anEvent('Live', { writer, i })], 'any');
              }
            }),
          );
          const [received, receivedAlongside] = await Promise.all([
            take(events, 500, 'stored and live events'),
            take(alongside[Symbol.asyncIterator](), 200, 'live events on a second subscription'),
          ]);
          await within(writers, 'the writers');
          expect(ids(receivedAlongside)).toEqual(ids(await store.readAll({ afterPosition: start, filter: liveOnly })));

          const stored = await store.readAll({ afterPosition: start, filter: scope.filter });
          expect(stored).toHaveLength(500);
          expect(ids(received)).toEqual(ids(stored));
          expect(received.map((event) => event.position)).toEqual(stored.map((event) => event.position));

          // Nothing is pending behind the 500: the next thing delivered is the next thing written.
          const marker = anEvent('Marker');
          await store.append(scope.stream('marker'), [marker], 'no_stream');
          expect(ids(await take(events, 1, 'the marker'))).toEqual([marker.id]);
        } finally {
          await Promise.all([subscription.close(), alongside.close()]);
        }
      }, TEST_MS);

      it('resumes after a checkpoint with exactly the events after it', async () => {
        const start = await store.headPosition();
        for (let i = 0; i < 6; i++) await store.append(scope.stream(`s-${i % 2}`), [anEvent('Counted', { i })], 'any');
        const all = await store.readAll({ afterPosition: start, filter: scope.filter });

        const subscription = store.subscribeToAll({ afterPosition: all[2].position, filter: scope.filter });
        try {
          const events = subscription[Symbol.asyncIterator]();
          expect(ids(await take(events, 3, 'events after the checkpoint'))).toEqual(ids(all.slice(3)));
          const marker = anEvent('Marker');
          await store.append(scope.stream('marker'), [marker], 'no_stream');
          expect(ids(await take(events, 1, 'the marker'))).toEqual([marker.id]);
        } finally {
          await subscription.close();
        }
      }, TEST_MS);

      it('delivers only the events matching its filter', async () => {
        const start = await store.headPosition();
        const wanted = scope.type('Wanted');
        await store.append(scope.stream('a'), [anEvent(wanted), anEvent(scope.type('Other'))], 'no_stream');
        await store.append(scope.stream('b'), [anEvent(wanted)], 'no_stream');
        const expected = await store.readAll({
          afterPosition: start,
          filter: { streamPrefixes: [scope.stream('b'), scope.stream('a')], eventTypes: [wanted] },
        });
        expect(expected).toHaveLength(2);

        const subscription = store.subscribeToAll({
          afterPosition: start,
          filter: { streamPrefixes: [scope.stream('b'), scope.stream('a')], eventTypes: [wanted] },
        });
        try {
          const events = subscription[Symbol.asyncIterator]();
          expect(ids(await take(events, 2, 'matching events'))).toEqual(ids(expected));
          const marker = anEvent(wanted);
          await store.append(scope.stream('a'), [anEvent(scope.type('Other')), marker], 1);
          expect(ids(await take(events, 1, 'the next matching event'))).toEqual([marker.id]);
        } finally {
          await subscription.close();
        }
      }, TEST_MS);

      it('close() ends a for-await loop, also one waiting for the next event', async () => {
        const start = await store.headPosition();
        const written = [anEvent('Opened'), anEvent('Priced')];
        await store.append(scope.stream('order'), written, 'no_stream');
        const subscription = store.subscribeToAll({ afterPosition: start, filter: scope.filter });
        const seen: RecordedEvent[] = [];
        const loop = (async () => {
          for await (const event of subscription) seen.push(event);
        })();

        await waitUntil(() => seen.length === 2, 'both stored events');
        await within(subscription.close(), 'close()');
        await within(loop, 'the for-await loop to end');
        expect(ids(seen)).toEqual(ids(written));
      }, TEST_MS);

      it('breaking out of a for-await loop ends the subscription', async () => {
        const start = await store.headPosition();
        await store.append(scope.stream('order'), [anEvent('Opened'), anEvent('Priced')], 'no_stream');
        const subscription = store.subscribeToAll({ afterPosition: start, filter: scope.filter });

        const firstOnly = await within(
          (async () => {
            for await (const event of subscription) return event;
            return undefined;
          })(),
          'the first event',
        );

        expect(firstOnly?.type).toBe('Opened');
        await expect(within(subscription[Symbol.asyncIterator]().next(), 'next() after break')).resolves.toEqual({
          done: true,
          value: undefined,
        });
        await within(subscription.close(), 'close() after break');
      }, TEST_MS);

      it('ends its open subscriptions when the store closes', async () => {
        const subscription = store.subscribeToAll({ afterPosition: await store.headPosition(), filter: scope.filter });
        const seen: RecordedEvent[] = [];
        const loop = (async () => {
          for await (const event of subscription) seen.push(event);
        })();
        await store.append(scope.stream('order'), [anEvent('Opened')], 'no_stream');
        await waitUntil(() => seen.length === 1, 'the live event');

        await within(store.close(), 'store.close()');
        await within(loop, 'the for-await loop to end');
      }, TEST_MS);
    });

    describe('deleteStream', () => {
      it('soft delete hides the stream; a later append continues its revisions and shows only new events', async () => {
        const stream = scope.stream('order');
        await store.append(stream, [anEvent('Opened'), anEvent('Priced'), anEvent('Shipped')], 'no_stream');

        await expect(store.deleteStream(stream, { expected: 0 })).rejects.toThrow(WrongExpectedVersion);
        expect(await store.readStream(stream)).toHaveLength(3);
        await store.deleteStream(stream, { expected: 2 });
        await expect(store.readStream(stream)).rejects.toThrow(StreamNotFound);

        const reopened = [anEvent('Reopened'), anEvent('Priced')];
        await expect(store.append(stream, reopened, 'no_stream')).resolves.toMatchObject({ revision: 4 });
        const visible = await store.readStream(stream);
        expect(revisions(visible)).toEqual([3, 4]);
        expect(ids(visible)).toEqual(ids(reopened));
        expect(ids(await store.readStream(stream, { direction: 'backwards' }))).toEqual(ids(reopened).reverse());
      }, TEST_MS);

      it('a tombstone deletes the stream for good: reads and appends throw StreamDeleted', async () => {
        const stream = scope.stream('order');
        await store.append(stream, [anEvent('Opened')], 'no_stream');

        await store.deleteStream(stream, { tombstone: true });

        const readError = await rejection(store.readStream(stream));
        expect(readError).toBeInstanceOf(StreamDeleted);
        expect(readError).toMatchObject({ streamId: stream });
        await expect(store.append(stream, [anEvent('Reopened')], 'any')).rejects.toThrow(StreamDeleted);
        await expect(store.append(stream, [anEvent('Reopened')], 'no_stream')).rejects.toThrow(StreamDeleted);
      }, TEST_MS);
    });

    describe('stream metadata', () => {
      it('round-trips metadata and is empty for a stream without any', async () => {
        const stream = scope.stream('order');
        expect(await store.getStreamMetadata(stream)).toEqual({});

        const metadata = { maxCount: 3, maxAgeSeconds: 86_400, custom: { owner: 'ops', tags: ['gpu', 'nightly'] } };
        await store.setStreamMetadata(stream, metadata);
        expect(await store.getStreamMetadata(stream)).toEqual(metadata);
        await store.setStreamMetadata(stream, { custom: { owner: 'qa' } });
        expect(await store.getStreamMetadata(stream)).toEqual({ custom: { owner: 'qa' } });
      }, TEST_MS);

      it('readStream keeps only the most recent maxCount events', async () => {
        const stream = scope.stream('order');
        await store.append(stream, [0, 1, 2, 3, 4].map((n) => anEvent('Counted', { n })), 'no_stream');

        await store.setStreamMetadata(stream, { maxCount: 3 });

        expect(revisions(await store.readStream(stream))).toEqual([2, 3, 4]);
        expect(revisions(await store.readStream(stream, { direction: 'backwards' }))).toEqual([4, 3, 2]);
        expect(revisions(await store.readStream(stream, { fromRevision: 0, maxCount: 2 }))).toEqual([2, 3]);
      }, TEST_MS);

      it('readStream hides revisions below truncateBefore', async () => {
        const stream = scope.stream('order');
        await store.append(stream, [0, 1, 2, 3].map((n) => anEvent('Counted', { n })), 'no_stream');

        await store.setStreamMetadata(stream, { truncateBefore: 2 });

        expect(revisions(await store.readStream(stream))).toEqual([2, 3]);
        expect(revisions(await store.readStream(stream, { direction: 'backwards' }))).toEqual([3, 2]);
      }, TEST_MS);
    });
  });
}
