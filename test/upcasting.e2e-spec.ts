import { randomUUID } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { EVENT_STORE, type EventStore } from '../libs/eventstore/src/index.js';
import { type EventLine, importEvents, readNdjson } from '../libs/history/src/index.js';
import { CosmosHarness } from '../apps/server/testing/cosmos.harness.js';

/** Committed: a history recorded when RunStatusChanged was at schema v1 (`simulated` only when true). */
const V1_FIXTURE = 'libs/history/fixtures/run-status-v1.ndjson';
const V1 = {
  prompt: 'ps_00000000000000000000000000000101',
  real: 'rs_000000000000000000000000000001a1',
  simulated: 'rs_000000000000000000000000000001b1',
  realJob: 'job_00000000000001a1',
  simulatedJob: 'job_00000000000001b1',
};
/** The same history as today's code writes it (v2: `simulated` always there), under other ids. */
const TWIN: typeof V1 = {
  prompt: V1.prompt.replace(/101$/, '201'),
  real: V1.real.replace(/1a1$/, '2a1'),
  simulated: V1.simulated.replace(/1b1$/, '2b1'),
  realJob: V1.realJob.replace(/1a1$/, '2a1'),
  simulatedJob: V1.simulatedJob.replace(/1b1$/, '2b1'),
};
const renamed = (text: string, from: typeof V1, to: typeof V1) =>
  (Object.keys(from) as (keyof typeof V1)[]).reduce((renaming, key) => renaming.replaceAll(from[key], to[key]), text);

function asV2(line: string): string {
  const event = JSON.parse(renamed(line, V1, TWIN)) as EventLine & { data: Record<string, unknown> };
  const upgraded = event.type === 'RunStatusChanged'
    ? { ...event, data: { ...event.data, simulated: event.data.simulated === true }, metadata: { ...event.metadata, schemaVersion: 2 } }
    : event;
  return JSON.stringify({ ...upgraded, id: randomUUID() });
}

const RUN = `query($id: String!) {
  run(id: $id) { status node simulated rating kind promptId jobId
    history { type revision schemaVersion data metadata { actor } } }
}`;

describe('upcasting for real: v1 events imported, upcast, projected and answered like v2 events', () => {
  let cosmos: CosmosHarness;

  beforeAll(async () => {
    cosmos = await CosmosHarness.start({ env: { COSMOS_GPU_SIMULATED: 'false' } });
    const store = cosmos.get<EventStore>(EVENT_STORE);
    await importEvents(store, readNdjson(createReadStream(V1_FIXTURE)));
    const twin = readFileSync(V1_FIXTURE, 'utf8').split('\n').filter(Boolean).map(asV2).join('\n');
    await importEvents(store, readNdjson(Readable.from([twin])), { append: true });
  });

  afterAll(async () => {
    await cosmos?.stop();
  });

  const run = async (id: string) => {
    for (const deadline = Date.now() + 10_000; ; ) {
      const { data, errors } = await cosmos.gql(RUN, { id });
      expect(errors).toBeUndefined();
      if (data!.run?.status === 'completed' && (id.endsWith('b1') || data!.run.rating !== null)) return data!.run;
      if (Date.now() > deadline) throw new Error(`run ${id} never completed: ${JSON.stringify(data)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  it('answers a v1 run exactly as its v2 twin: read model and history alike', async () => {
    for (const key of ['real', 'simulated'] as const) {
      const old = await run(V1[key]);
      const current = await run(TWIN[key]);
      expect(JSON.parse(renamed(JSON.stringify(current), TWIN, V1))).toEqual(old);
    }
    expect(await run(V1.real)).toMatchObject({ simulated: false, node: 'gpu-1', rating: 4 });
    expect(await run(V1.simulated)).toMatchObject({ simulated: true, node: 'simulated' });
  });

  it('shows the upcast payload at the current version, and the version it was stored at', async () => {
    const { data } = await cosmos.gql(`{ events(filter: { types: ["RunStatusChanged"], streams: ["run-${V1.real}", "run-${TWIN.real}"] }) {
      edges { node { stream schemaVersion storedSchemaVersion data } } } }`);
    const events = data!.events.edges.map((edge: any) => edge.node);
    expect(events).toHaveLength(6);
    for (const event of events) {
      expect(event.schemaVersion).toBe(2);
      expect(event.data.simulated).toBe(false);
      expect(event.storedSchemaVersion).toBe(event.stream === `run-${V1.real}` ? 1 : 2);
    }
  });

  it('exports v1 events as stored: a copy is the history itself, upcast again wherever it is read', async () => {
    const response = await fetch(`${cosmos.baseUrl}/events.ndjson?stream=run-${V1.real}&type=RunStatusChanged`);
    const lines = (await response.text()).split('\n').filter(Boolean).map((line) => JSON.parse(line));
    expect(lines.map((line) => [line.metadata.schemaVersion, 'simulated' in line.data])).toEqual([[1, false], [1, false], [1, false]]);
  });
});
