import { CosmosHarness } from '../apps/server/testing/cosmos.harness.js';
import { createTestPrompt, finished, requestInference, waitForJob } from '../apps/server/testing/job-flows.js';

const EVENT = 'id type stream revision position occurredAt schemaVersion storedSchemaVersion data metadata { correlationId causationId actor }';
const EVENTS = `query($filter: EventFilterInput, $direction: EventDirection, $first: Int, $after: String, $last: Int, $before: String) {
  events(filter: $filter, direction: $direction, first: $first, after: $after, last: $last, before: $before) {
    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { ${EVENT} } }
  }
}`;

/** The worker reports reaching the simulated node on its own stream, whenever it gets there; the tests' requests are the rest. */
const NODE_STREAM = 'gpunode-simulated';
const requested = <T extends { stream: string }>(events: readonly T[]): T[] => events.filter((event) => event.stream !== NODE_STREAM);

interface Ev { id: string; type: string; occurredAt: string; stream: string; revision: number; position: string; metadata: { correlationId: string; causationId: string; actor: string }; data: any }

describe('event history over GraphQL: browse, history fields, trace, time travel, eventAppended', () => {
  let cosmos: CosmosHarness;
  let promptId: string;
  let jobId: string;
  let runId: string;

  const events = async (variables: Record<string, unknown>) => {
    const { data, errors } = await cosmos.gql(EVENTS, variables);
    expect(errors).toBeUndefined();
    return data!.events as { totalCount: number; pageInfo: any; edges: { cursor: string; node: Ev }[] };
  };
  const nodes = (page: { edges: { node: Ev }[] }) => page.edges.map((edge) => edge.node);

  beforeAll(async () => {
    cosmos = await CosmosHarness.start({ env: { COSMOS_GPU_SIMULATED_DURATION_MS: '200' } });
    promptId = await createTestPrompt(cosmos, 'a harbour at dawn', 'harbour');
    jobId = await requestInference(cosmos, { promptIds: [promptId] });
    const job = await waitForJob(cosmos, jobId, finished);
    expect(job.status).toBe('succeeded');
    runId = job.runs[0].id;
  });

  afterAll(async () => {
    await cosmos?.stop();
  });

  it('pages the log oldest first and newest first, with cursors, both page infos and a total', async () => {
    const all = nodes(await events({ first: 500 }));
    const positions = all.map((event) => Number(event.position));
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(requested(all)[0].type).toBe('PromptCreated');
    expect(all.filter((event) => event.stream === NODE_STREAM).map((event) => [event.type, event.metadata.actor])).toEqual([
      ['GpuNodeReachable', 'system:worker'],
      ['GpuNodeGpusFound', 'system:worker'],
    ]);

    const first = await events({ first: 3 });
    expect(nodes(first)).toEqual(all.slice(0, 3));
    expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    expect(first.totalCount).toBe(all.length);
    const second = await events({ first: 3, after: first.pageInfo.endCursor });
    expect(nodes(second)).toEqual(all.slice(3, 6));
    expect(second.pageInfo.hasPreviousPage).toBe(true);
    const back = await events({ last: 2, before: second.pageInfo.startCursor });
    expect(nodes(back)).toEqual(all.slice(1, 3));
    expect(back.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: true });

    const newest = await events({ direction: 'BACKWARD', first: 4 });
    expect(nodes(newest)).toEqual(all.slice(-4).reverse());
    const older = await events({ direction: 'BACKWARD', first: 4, after: newest.pageInfo.endCursor });
    expect(nodes(older)).toEqual(all.slice(-8, -4).reverse());
    const lastOfAll = await events({ last: 2 });
    expect(nodes(lastOfAll)).toEqual(all.slice(-2));
    expect(lastOfAll.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });
  });

  it('filters by stream, category, type, actor, correlation and ranges', async () => {
    const jobEvents = nodes(await events({ filter: { categories: ['job'] }, first: 100 }));
    expect(jobEvents.every((event) => event.stream === `job-${jobId}`)).toBe(true);
    expect(jobEvents.map((event) => event.type)).toEqual(expect.arrayContaining(['JobQueued', 'JobClaimed', 'JobStageChanged', 'JobSucceeded']));
    const byStream = nodes(await events({ filter: { streams: [`run-${runId}`], types: ['RunCompleted'] } }));
    expect(byStream).toHaveLength(1);
    expect(nodes(await events({ filter: { actor: 'system:worker', types: ['JobClaimed'] } }))).toHaveLength(1);
    const [created] = nodes(await events({ filter: { types: ['PromptCreated'] } }));
    const sameCommand = nodes(await events({ filter: { correlationId: created.metadata.correlationId } }));
    expect(sameCommand.map((event) => event.id)).toEqual([created.id]);
    const from = Number(jobEvents[1].position);
    const to = Number(jobEvents[3].position);
    const ranged = nodes(await events({ filter: { categories: ['job'], fromPosition: String(from), toPosition: String(to) } }));
    expect(ranged).toEqual(jobEvents.slice(1, 4));
    const before = nodes(await events({ filter: { occurredBefore: created.occurredAt } }));
    expect(requested(before)).toEqual([]);
  });

  it('answers unknown types and categories and reversed ranges with typed errors naming what is known', async () => {
    const unknownType = await cosmos.gql(EVENTS, { filter: { types: ['JobQueud'] } });
    expect(unknownType.errors![0].extensions).toMatchObject({ code: 'UNKNOWN_EVENT_TYPE', details: { unknown: ['JobQueud'] } });
    expect((unknownType.errors![0].extensions!.details as { known: string[] }).known).toContain('JobQueued');
    const unknownCategory = await cosmos.gql(EVENTS, { filter: { categories: ['jobs'] } });
    expect(unknownCategory.errors![0].extensions).toMatchObject({ code: 'UNKNOWN_STREAM_CATEGORY', details: { known: expect.arrayContaining(['job', 'queue', 'batchplan']) } });
    const reversed = await cosmos.gql(EVENTS, { filter: { fromPosition: '9', toPosition: '3' } });
    expect(reversed.errors![0].extensions!.code).toBe('REVERSED_RANGE');
    const reversedTime = await cosmos.gql(EVENTS, { filter: { occurredFrom: '2026-02-01T00:00:00Z', occurredBefore: '2026-01-01T00:00:00Z' } });
    expect(reversedTime.errors![0].extensions!.code).toBe('REVERSED_RANGE');
    const tooMany = await cosmos.gql(EVENTS, { first: 501 });
    expect(tooMany.errors![0].extensions!.code).toBe('INVALID_INPUT');
  });

  it('gives prompts, runs and jobs their own stream as history', async () => {
    const { data, errors } = await cosmos.gql(`query($p: String!, $r: String!, $j: String!) {
      prompt(id: $p) { history { type revision } }
      run(id: $r) { history { type revision } }
      job(id: $j) { history { type revision stream } }
    }`, { p: promptId, r: runId, j: jobId });
    expect(errors).toBeUndefined();
    expect(data!.prompt.history).toEqual([{ type: 'PromptCreated', revision: 0 }]);
    expect(data!.run.history.map((event: Ev) => event.type)).toEqual(['RunRequested', 'RunStatusChanged', 'RunStatusChanged', 'RunStatusChanged', 'RunCompleted']);
    const jobHistory = data!.job.history as Ev[];
    expect(jobHistory.map((event) => event.revision)).toEqual(jobHistory.map((_, i) => i));
    expect(jobHistory[0].type).toBe('JobQueued');
    expect(jobHistory[jobHistory.length - 1].type).toBe('JobSucceeded');
  });

  it('traces a request down to its job, runs, claim, stages and outcomes, by correlation or from any event', async () => {
    const [queued] = nodes(await events({ filter: { types: ['JobQueued'] } }));
    const TRACE = `query($c: String, $e: ID) { trace(correlationId: $c, eventId: $e) { correlationId truncated nodes { depth parentEventId event { id type stream } } } }`;
    const { data } = await cosmos.gql(TRACE, { c: queued.metadata.correlationId });
    const trace = data!.trace;
    expect(trace.truncated).toBe(false);
    const byType = (type: string) => trace.nodes.filter((node: any) => node.event.type === type);
    const [queuedNode] = byType('JobQueued');
    expect(queuedNode).toMatchObject({ depth: 0, parentEventId: null });
    expect(byType('RunRequested')).toEqual([expect.objectContaining({ depth: 1, parentEventId: queued.id })]);
    const [claim] = byType('JobClaimed');
    expect(claim).toMatchObject({ depth: 1, parentEventId: queued.id });
    for (const type of ['JobStageChanged', 'RunStatusChanged', 'RunCompleted', 'JobSucceeded']) {
      expect(byType(type).length).toBeGreaterThan(0);
      expect(byType(type).every((node: any) => node.parentEventId === claim.event.id && node.depth === 2)).toBe(true);
    }
    // Depth-first: each event comes after the one that caused it.
    const seen = new Set<string>();
    for (const node of trace.nodes) {
      if (node.parentEventId !== null) expect(seen.has(node.parentEventId)).toBe(true);
      seen.add(node.event.id);
    }
    const fromEvent = await cosmos.gql(TRACE, { e: claim.event.id });
    expect(fromEvent.data!.trace).toEqual(trace);
    expect((await cosmos.gql(TRACE, { e: '00000000-0000-5000-8000-000000000000' })).data!.trace).toBeNull();
  });

  it('folds a job, run, prompt and the queue to a past position or time with the deciders', async () => {
    const jobEvents = nodes(await events({ filter: { streams: [`job-${jobId}`] }, first: 100 }));
    const AT = `query($id: ID!, $at: PointInHistoryInput!) { jobAt(id: $id, at: $at) { kind exists status revision position state } }`;
    const atQueued = (await cosmos.gql(AT, { id: jobId, at: { position: jobEvents[0].position } })).data!.jobAt;
    expect(atQueued).toMatchObject({ kind: 'job', exists: true, status: 'Queued', revision: 0, position: jobEvents[0].position, state: { attempts: 0 } });
    const claimed = jobEvents.find((event) => event.type === 'JobClaimed')!;
    const atClaim = (await cosmos.gql(AT, { id: jobId, at: { position: claimed.position } })).data!.jobAt;
    expect(atClaim).toMatchObject({ status: 'Claimed', state: { node: 'simulated', attempt: 1 } });
    const now = (await cosmos.gql(AT, { id: jobId, at: { time: new Date().toISOString() } })).data!.jobAt;
    expect(now).toMatchObject({ status: 'Finished', revision: jobEvents.length - 1, state: { outcome: 'succeeded' } });
    const beforeAll = (await cosmos.gql(AT, { id: jobId, at: { time: '2000-01-01T00:00:00Z' } })).data!.jobAt;
    expect(beforeAll).toMatchObject({ exists: false, status: 'NotQueued', revision: -1, position: null });

    const { data } = await cosmos.gql(`query($r: ID!, $p: ID!, $at: PointInHistoryInput!) {
      runAt(id: $r, at: $at) { status state } promptAt(id: $p, at: $at) { status state } queueAt(at: $at) { status exists }
    }`, { r: runId, p: promptId, at: { time: new Date().toISOString() } });
    expect(data!.runAt.status).toBe('completed');
    expect(data!.promptAt).toMatchObject({ status: 'Active', state: { name: expect.any(String) } });
    expect(data!.queueAt).toMatchObject({ exists: false });
    const both = await cosmos.gql(AT, { id: jobId, at: { time: '2026-01-01T00:00:00Z', position: '3' } });
    expect(both.errors![0].extensions!.code).toBe('INVALID_INPUT');
  });

  it('eventAppended catches up from a position, then goes live, and resumes from the last one received without a gap or repeat', async () => {
    const all = nodes(await events({ first: 500 }));
    const start = all[all.length - 3].position;
    const live = cosmos.subscribe<{ eventAppended: Ev }>(`subscription { eventAppended(afterPosition: "${start}") { ${EVENT} } }`);
    const caughtUp = await live.next(2);
    expect(caughtUp.map((payload) => payload.eventAppended.id)).toEqual(all.slice(-2).map((event) => event.id));

    await cosmos.gql(`mutation { pauseQueue(input: { reason: "history test" }) { __typename } }`, {}, 'ana');
    const [, , paused] = await live.next(3);
    expect(paused.eventAppended).toMatchObject({ type: 'QueuePaused', stream: 'queue', metadata: { actor: 'ana' } });
    live.stop();

    await cosmos.gql(`mutation { resumeQueue(input: { reason: "history test" }) { __typename } }`, {}, 'ana');
    const resumed = cosmos.subscribe<{ eventAppended: Ev }>(
      `subscription { eventAppended(afterPosition: "${paused.eventAppended.position}", filter: { categories: ["queue"] }) { type position } }`,
    );
    const [next] = await resumed.next(1);
    expect(next.eventAppended).toMatchObject({ type: 'QueueResumed' });
    expect(Number(next.eventAppended.position)).toBeGreaterThan(Number(paused.eventAppended.position));
    resumed.stop();
  });

  it('exports the log as NDJSON over HTTP: filtered, resumable after a position, gzipped when asked, with typed 400s', async () => {
    const all = nodes(await events({ first: 500 }));
    const ndjson = async (query: string, headers: Record<string, string> = {}) => {
      const response = await fetch(`${cosmos.baseUrl}/events.ndjson${query}`, { headers, signal: AbortSignal.timeout(10_000) });
      return { response, lines: (await response.text()).split('\n').filter((line) => line !== '').map((line) => JSON.parse(line)) };
    };
    const whole = await ndjson('');
    expect(whole.response.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    expect(whole.lines.map((line) => line.id)).toEqual(all.map((event) => event.id));
    expect(requested(whole.lines)[0]).toMatchObject({ stream: `prompt-${promptId}`, revision: 0, type: 'PromptCreated', metadata: { actor: 'e2e' } });

    const jobs = await ndjson('?category=job&type=JobQueued,JobSucceeded');
    expect(jobs.lines.map((line) => line.type)).toEqual(['JobQueued', 'JobSucceeded']);
    const resumed = await ndjson(`?afterPosition=${whole.lines[4].position}`);
    expect(resumed.lines).toEqual(whole.lines.slice(5));

    const gzipped = await fetch(`${cosmos.baseUrl}/events.ndjson?gzip=1`, { headers: { 'accept-encoding': 'gzip' } });
    expect(gzipped.headers.get('content-encoding')).toBe('gzip');
    // fetch undoes the gzip; what arrives is the same lines.
    expect((await gzipped.text()).split('\n').filter(Boolean).map((line) => JSON.parse(line).id)).toEqual(all.map((event) => event.id));

    const bad = await fetch(`${cosmos.baseUrl}/events.ndjson?type=Nope`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 'UNKNOWN_EVENT_TYPE', details: { unknown: ['Nope'] } });
  });

  it('sums statistics from the stats read model: the run, its job, its duration and the node it used', async () => {
    const { data, errors } = await cosmos.gql(`query($from: DateTime!, $to: DateTime!) {
      stats(from: $from, to: $to, bucket: HOUR) {
        bucket total { runs { kind status count } jobs { kind status count } successRate jobDurations { kind samples p50 } queueWait { samples } nodes { node busySeconds utilisation } }
        periods { start }
      }
    }`, { from: new Date(Date.now() - 3_600_000).toISOString(), to: new Date(Date.now() + 60_000).toISOString() });
    expect(errors).toBeUndefined();
    const { total } = data!.stats;
    expect(total.runs).toEqual([{ kind: 'inference', status: 'completed', count: 1 }]);
    expect(total.jobs).toEqual([{ kind: 'inference', status: 'succeeded', count: 1 }]);
    expect(total.successRate).toBe(1);
    expect(total.jobDurations).toEqual([{ kind: 'inference', samples: 1, p50: expect.any(Number) }]);
    expect(total.queueWait.samples).toBe(1);
    expect(total.nodes).toEqual([{ node: 'simulated', busySeconds: expect.any(Number), utilisation: expect.any(Number) }]);
    expect(total.nodes[0].busySeconds).toBeGreaterThan(0);
    expect(data!.stats.periods.length).toBeGreaterThanOrEqual(2);
    const reversed = await cosmos.gql(`{ stats(from: "2026-02-01T00:00:00Z", to: "2026-01-01T00:00:00Z") { bucket } }`);
    expect(reversed.errors![0].extensions!.code).toBe('INVALID_INPUT');
  });
});
