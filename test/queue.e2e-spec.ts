import { CosmosHarness } from '../apps/server/testing/cosmos.harness.js';

const QUEUE = `{ queue { paused pausedAt pausedBy pauseReason resumedBy revision } }`;
const PAUSE = `mutation($input: ChangeQueueStateInput) {
  pauseQueue(input: $input) {
    __typename
    ... on QueueChanged { accepted { streamId revision position consistent } queue { paused pausedBy pauseReason revision } }
    ... on UserError { code message }
    ... on QueueAlreadyPaused { pausedBy pausedAt }
    ... on InvalidInput { fields { field problem } }
  }
}`;
const RESUME = `mutation($input: ChangeQueueStateInput) {
  resumeQueue(input: $input) {
    __typename
    ... on QueueChanged { accepted { revision consistent } queue { paused resumedBy revision } }
    ... on UserError { code message }
    ... on RevisionConflict { expectedRevision actualRevision }
  }
}`;

describe('queue pause state over GraphQL', () => {
  let cosmos: CosmosHarness;

  beforeAll(async () => {
    cosmos = await CosmosHarness.start();
  });

  afterAll(async () => {
    await cosmos?.stop();
  });

  it('starts running, with no pause on record', async () => {
    const { data } = await cosmos.gql(QUEUE);
    expect(data!.queue).toEqual({ paused: false, pausedAt: null, pausedBy: null, pauseReason: null, resumedBy: null, revision: -1 });
  });

  it('pauses, tells subscribers after the read model changed, and answers queries with the new state', async () => {
    const changes = cosmos.subscribe<{ queueChanged: { paused: boolean; pausedBy: string; revision: number } }>(
      `subscription { queueChanged { paused pausedBy revision } }`,
    );
    await changes.listening();

    const { data } = await cosmos.gql(PAUSE, { input: { reason: 'driver update' } }, 'ana');
    expect(data!.pauseQueue).toMatchObject({
      __typename: 'QueueChanged',
      accepted: { streamId: 'queue', revision: 0, consistent: true },
      queue: { paused: true, pausedBy: 'ana', pauseReason: 'driver update', revision: 0 },
    });
    expect(Number(data!.pauseQueue.accepted.position)).toBeGreaterThan(0);

    const [pushed] = await changes.next(1);
    expect(pushed.queueChanged).toEqual({ paused: true, pausedBy: 'ana', revision: 0 });
    changes.stop();

    const after = await cosmos.gql(QUEUE);
    expect(after.data!.queue).toMatchObject({ paused: true, pausedBy: 'ana', pauseReason: 'driver update' });
    expect(Date.parse(after.data!.queue.pausedAt)).not.toBeNaN();
  });

  it('answers a second pause with a typed error naming who paused, and changes nothing', async () => {
    const { data, errors } = await cosmos.gql(PAUSE, {}, 'ben');
    expect(errors).toBeUndefined();
    expect(data!.pauseQueue).toMatchObject({ __typename: 'QueueAlreadyPaused', code: 'QUEUE_ALREADY_PAUSED', pausedBy: 'ana' });
    expect((await cosmos.gql(QUEUE)).data!.queue).toMatchObject({ pausedBy: 'ana', revision: 0 });
  });

  it('rejects bad input with InvalidInput naming the field, and changes nothing', async () => {
    const { data } = await cosmos.gql(RESUME, { input: { reason: 'x'.repeat(501) } });
    expect(data!.resumeQueue).toMatchObject({ __typename: 'InvalidInput', code: 'INVALID_INPUT' });
    const fields = (await cosmos.gql(`mutation { resumeQueue(input: { reason: "${'y'.repeat(501)}" }) { ... on InvalidInput { fields { field } } } }`)).data!;
    expect(fields.resumeQueue.fields).toEqual([{ field: 'input.reason' }]);
    expect((await cosmos.gql(QUEUE)).data!.queue).toMatchObject({ paused: true, revision: 0 });
  });

  it('surfaces a stale expectedRevision as RevisionConflict instead of retrying', async () => {
    const { data } = await cosmos.gql(RESUME, { input: { expectedRevision: 5 } });
    expect(data!.resumeQueue).toMatchObject({ __typename: 'RevisionConflict', expectedRevision: 5, actualRevision: 0 });
    expect((await cosmos.gql(QUEUE)).data!.queue.paused).toBe(true);
  });

  it('keeps the pause across a restart, then resumes', async () => {
    await cosmos.restart();
    expect((await cosmos.gql(QUEUE)).data!.queue).toMatchObject({ paused: true, pausedBy: 'ana', revision: 0 });

    const { data } = await cosmos.gql(RESUME, { input: { expectedRevision: 0, reason: 'done' } }, 'ben');
    expect(data!.resumeQueue).toMatchObject({ __typename: 'QueueChanged', queue: { paused: false, resumedBy: 'ben', revision: 1 } });

    const again = await cosmos.gql(RESUME);
    expect(again.data!.resumeQueue).toMatchObject({ __typename: 'QueueNotPaused', code: 'QUEUE_NOT_PAUSED' });
  });

  it('reports liveness and readiness', async () => {
    const health = await fetch(`${cosmos.baseUrl}/healthz`);
    expect(health.status).toBe(200);
    // The worker reports the simulated node once it has reached it; until then the nodes read `waiting`.
    let body: unknown;
    for (let i = 0; i < 100; i++) {
      const ready = await fetch(`${cosmos.baseUrl}/readyz`);
      expect(ready.status).toBe(200);
      body = await ready.json();
      if ((body as { gpuNodes: string }).gpuNodes === 'ok') break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(body).toEqual({ status: 'ready', eventStore: 'ok', documentStore: 'ok', projections: 'caught_up', gpuNodes: 'ok' });
  });

  it('shows projection status and rebuilds the queue read model to the same document', async () => {
    const before = await cosmos.gql(QUEUE);
    const started = await cosmos.gql(`mutation { rebuildProjection(input: { name: "queue" }) { __typename ... on RebuildStarted { name } } }`);
    expect(started.data!.rebuildProjection).toEqual({ __typename: 'RebuildStarted', name: 'queue' });
    let status: any;
    for (let i = 0; i < 100; i++) {
      status = (await cosmos.gql(`{ projections { name state lag caughtUp rebuild { percent finishedAt } } }`)).data!.projections[0];
      if (status.rebuild?.finishedAt && status.state === 'live') break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(status).toMatchObject({ name: 'queue', state: 'live', lag: '0', caughtUp: true, rebuild: { percent: 100 } });
    expect((await cosmos.gql(QUEUE)).data).toEqual(before.data);

    const unknown = await cosmos.gql(`mutation { rebuildProjection(input: { name: "nope" }) { __typename ... on NotFound { message } } }`);
    expect(unknown.data!.rebuildProjection.__typename).toBe('NotFound');
  });

});

describe('GraphQL limits', () => {
  let cosmos: CosmosHarness;

  beforeAll(async () => {
    // As under `npm start`: Apollo's defaults differ under NODE_ENV=test (no stack traces).
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = 'development';
    try {
      cosmos = await CosmosHarness.start({ toml: '[server]\ngraphql_max_depth = 1\ngraphql_max_complexity = 4\ngraphql_max_aliases = 2\n' });
    } finally {
      process.env.NODE_ENV = nodeEnv;
    }
  });

  afterAll(async () => {
    await cosmos?.stop();
  });

  it('refuses queries nested deeper than the configured depth', async () => {
    const { errors } = await cosmos.gql(`{ projections { rebuild { percent } } }`);
    expect(errors?.[0].message).toMatch(/exceeds maximum operation depth of 1/);
  });

  it('refuses queries costlier than the configured complexity with a 400, and serves cheaper ones', async () => {
    const response = await fetch(cosmos.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ queue { paused pausedBy pausedAt revision } }' }),
      signal: AbortSignal.timeout(10_000),
    });
    expect(response.status).toBe(400);
    const { errors } = (await response.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(errors[0]).toMatchObject({ message: expect.stringMatching(/^Query complexity 5 exceeds the limit of 4/), extensions: { code: 'QUERY_TOO_COMPLEX' } });
    expect((await cosmos.gql(`{ queue { paused revision } }`)).data).toEqual({ queue: { paused: false, revision: -1 } });
  });

  it('counts a page by its size: first/last items, 50 when unsaid', async () => {
    expect((await cosmos.gql(`{ prompts(first: 2) { totalCount } }`)).data).toEqual({ prompts: { totalCount: 0 } });
    expect((await cosmos.gql(`{ prompts(first: 4) { totalCount } }`)).errors?.[0]?.message).toMatch(/^Query complexity 5 /);
    expect((await cosmos.gql(`{ prompts { totalCount } }`)).errors?.[0]?.message).toMatch(/^Query complexity 51 /);
  });

  it('never sends server stack traces or paths in errors', async () => {
    for (const query of ['{ nope }', '{ prompts(first: 1.5) { totalCount } }', '{ queue { paused pausedBy pausedAt revision } }', '{ prompt(id: "ps_missing") { id } }']) {
      const text = JSON.stringify(await cosmos.gql(query));
      expect({ query, stacktrace: text.includes('stacktrace'), path: text.includes(process.cwd()) }).toEqual({ query, stacktrace: false, path: false });
    }
  });

  it('caps aliases', async () => {
    const { errors } = await cosmos.gql(`{ queue { a: paused b: paused c: paused } }`);
    expect(errors?.[0]).toMatchObject({ message: 'The query uses 3 aliases; at most 2 are accepted', extensions: { code: 'TOO_MANY_ALIASES' } });
  });

  it('applies depth, cost and aliases to subscriptions over WebSocket as well', async () => {
    await expect(cosmos.subscribe(`subscription { queueChanged { items { position } } }`).next(1)).rejects.toThrow(/exceeds maximum operation depth of 1/);
    await expect(cosmos.subscribe(`subscription { queueChanged { paused pausedBy pausedAt revision } }`).next(1)).rejects.toThrow(/Query complexity 5 exceeds the limit of 4/);
    await expect(cosmos.subscribe(`subscription { queueChanged { a: paused b: paused c: paused } }`).next(1)).rejects.toThrow('The query uses 3 aliases; at most 2 are accepted');

    const allowed = cosmos.subscribe<{ queueChanged: { paused: boolean } }>(`subscription { queueChanged { paused } }`);
    await allowed.listening();
    await cosmos.gql(`mutation { pauseQueue(input: {}) { __typename } }`);
    expect(await allowed.next(1)).toEqual([{ queueChanged: { paused: true } }]);
    allowed.stop();
  });
});
