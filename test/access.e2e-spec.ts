import { isNonNullType, type GraphQLArgument } from 'graphql';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { mintToken, type Role, tokenDigest } from '../libs/auth/src/index.js';
import { CosmosHarness } from '../apps/server/testing/cosmos.harness.js';
import { committedSchema, sampleValue } from '../libs/testing/src/index.js';

/** Who may call each mutation; a mutation missing here fails the suite until someone decides. */
const MUTATION_ROLES: Record<string, Role> = {
  createPrompt: 'operator',
  rateRun: 'operator',
  requestInference: 'operator',
  requestUpscale: 'operator',
  enhancePrompt: 'operator',
  cancelJob: 'operator',
  cancelJobs: 'operator',
  setJobPriority: 'operator',
  retryJob: 'operator',
  clearQueue: 'operator',
  pauseQueue: 'operator',
  resumeQueue: 'operator',
  applySmartBatching: 'operator',
  deletePrompt: 'operator',
  deleteRun: 'operator',
  verifyIntegrity: 'operator',
  deleteAllPrompts: 'admin',
  deleteAllRuns: 'admin',
  killContainers: 'admin',
  rebuildProjection: 'admin',
};

const schema = committedSchema();
const mutations = schema.getMutationType()!.getFields();


function operationOf(name: string): { query: string; variables: Record<string, unknown> } {
  const field = mutations[name]!;
  const required = field.args.filter((arg: GraphQLArgument) => isNonNullType(arg.type));
  const declared = required.map((arg) => `$${arg.name}: ${String(arg.type)}`).join(', ');
  const passed = required.map((arg) => `${arg.name}: $${arg.name}`).join(', ');
  return {
    query: `mutation${declared ? `(${declared})` : ''} { ${name}${passed ? `(${passed})` : ''} { __typename } }`,
    variables: Object.fromEntries(required.map((arg) => [arg.name, sampleValue(arg.type)])),
  };
}

interface Answer {
  status: number;
  body: { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: { code?: string; details?: Record<string, unknown> } }[] };
}

describe('access: tokens and roles on every way in', () => {
  const tokens = { viewer: mintToken(), operator: mintToken(), admin: mintToken() } satisfies Record<Role, string>;
  const names: Record<Role, string> = { viewer: 'vera', operator: 'otto', admin: 'ada' };
  let cosmos: CosmosHarness;

  const post = async (body: object, headers: Record<string, string> = {}): Promise<Answer> => {
    const response = await fetch(cosmos.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    return { status: response.status, body: (await response.json()) as Answer['body'] };
  };
  const as = (role: Role) => ({ authorization: `Bearer ${tokens[role]}` });
  const codeOf = (answer: Answer) => answer.body.errors?.[0]?.extensions?.code ?? null;

  beforeAll(async () => {
    const rows = (Object.keys(tokens) as Role[]).map((role) => `[[auth.tokens]]\nname = "${names[role]}"\nrole = "${role}"\nsha256 = "${tokenDigest(tokens[role])}"\n`);
    cosmos = await CosmosHarness.start({ toml: `[server]\nmax_sockets_per_token = 2\nmax_operations_per_socket = 2\n\n${rows.join('\n')}` });
  });

  afterAll(async () => {
    await cosmos?.stop();
  });

  it('classifies every mutation the schema has', () => {
    expect(Object.keys(mutations).sort()).toEqual(Object.keys(MUTATION_ROLES).sort());
  });

  it('over HTTP: each role against each mutation; below its role FORBIDDEN, at or above it past the guard', async () => {
    const refusals: string[] = [];
    for (const name of Object.keys(mutations)) {
      const needed = MUTATION_ROLES[name]!;
      for (const role of ['viewer', 'operator', 'admin'] as const) {
        const answer = await post(operationOf(name), as(role));
        const allowed = ['viewer', 'operator', 'admin'].indexOf(role) >= ['viewer', 'operator', 'admin'].indexOf(needed);
        if (allowed) {
          expect({ name, role, code: codeOf(answer) }).not.toMatchObject({ code: expect.stringMatching(/^(FORBIDDEN|UNAUTHENTICATED)$/) });
        } else {
          expect({ name, role, code: codeOf(answer), data: answer.body.data ?? null }).toEqual({ name, role, code: 'FORBIDDEN', data: null });
          refusals.push(`${name}:${role}`);
        }
      }
    }
    expect(refusals.length).toBe(Object.values(MUTATION_ROLES).filter((role) => role === 'operator').length + 2 * Object.values(MUTATION_ROLES).filter((role) => role === 'admin').length);
  });

  it('a repair needs admin even though a check needs only operator', async () => {
    const verify = (fix: boolean, role: Role) => post({ query: `mutation { verifyIntegrity(fix: ${fix}) { checkedRuns } }` }, as(role));
    expect(codeOf(await verify(false, 'operator'))).toBeNull();
    expect(codeOf(await verify(true, 'operator'))).toBe('FORBIDDEN');
    expect(codeOf(await verify(true, 'admin'))).toBeNull();
  });

  it('tells a missing token from an unknown one (401 both, before anything runs), and lets every role read', async () => {
    const query = { query: '{ queue { paused } }' };
    const missing = await post(query);
    expect(missing.status).toBe(401);
    expect(missing.body.errors![0]!.extensions).toMatchObject({ code: 'UNAUTHENTICATED', details: { reason: 'missing' } });
    const unknown = await post(query, { authorization: `Bearer ${mintToken()}` });
    expect(unknown.status).toBe(401);
    expect(unknown.body.errors![0]!.extensions).toMatchObject({ code: 'UNAUTHENTICATED', details: { reason: 'unknown' } });
    expect(JSON.stringify(unknown.body)).not.toContain('cw_');
    for (const role of ['viewer', 'operator', 'admin'] as const) expect((await post(query, as(role))).body.data).toEqual({ queue: { paused: false } });
  });

  it("records the token's name and role as the actor, whatever X-Cosmos-Actor claims", async () => {
    const paused = await post({ query: 'mutation { pauseQueue(input: { reason: "actor test" }) { __typename } }' }, { ...as('operator'), 'x-cosmos-actor': 'someone-else' });
    expect(paused.body.data).toEqual({ pauseQueue: { __typename: 'QueueChanged' } });
    const latest = await post({ query: '{ events(direction: BACKWARD, first: 1, filter: { categories: ["queue"] }) { edges { node { type metadata { actor actorRole } } } } }' }, as('viewer'));
    expect(latest.body.data).toEqual({ events: { edges: [{ node: { type: 'QueuePaused', metadata: { actor: 'otto', actorRole: 'operator' } } }] } });
    const queue = await post({ query: '{ queue { pausedBy } }' }, as('viewer'));
    expect(queue.body.data).toEqual({ queue: { pausedBy: 'otto' } });
    await post({ query: 'mutation { resumeQueue(input: {}) { __typename } }' }, as('operator'));
  });

  it('over WebSocket: no or an unknown token closes the socket 4401 with the reason; a viewer subscribes, but cannot mutate', async () => {
    const closeOf = (connectionParams: Record<string, unknown>) =>
      new Promise<{ code: number; reason: string }>((resolve) => {
        const client = createClient({
          url: cosmos.url.replace(/^http/, 'ws'),
          webSocketImpl: WebSocket,
          connectionParams,
          retryAttempts: 0,
          lazy: false,
          // The refusal is what this test waits for; graphql-ws would also print it.
          onNonLazyError: () => undefined,
          on: { closed: (event) => resolve({ code: (event as { code: number }).code, reason: String((event as { reason: unknown }).reason) }) },
        });
        client.subscribe({ query: 'subscription { queueChanged { paused } }' }, { next: () => undefined, error: () => undefined, complete: () => undefined });
      });
    expect(await closeOf({})).toEqual({ code: 4401, reason: expect.stringContaining('a token is required') });
    expect(await closeOf({ authorization: `Bearer ${mintToken()}` })).toEqual({ code: 4401, reason: expect.stringContaining('not one this service issued') });

    const client = createClient({ url: cosmos.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams: as('viewer'), retryAttempts: 0 });
    try {
      const run = (query: string) =>
        new Promise<{ data?: unknown; errors?: { extensions?: { code?: string } }[] }>((resolve, reject) => {
          client.subscribe({ query }, { next: (value) => resolve(value as never), error: reject, complete: () => undefined });
        });
      expect(await run('query { queue { paused } }')).toEqual({ data: { queue: { paused: false } } });
      const refused = await run('mutation { pauseQueue(input: {}) { __typename } }');
      expect(refused.errors![0]!.extensions!.code).toBe('FORBIDDEN');
      const events = await post({ query: '{ events(direction: BACKWARD, first: 1) { edges { node { type } } } }' }, as('viewer'));
      expect(events.body.data).toEqual({ events: { edges: [{ node: { type: 'QueueResumed' } }] } });
    } finally {
      await client.dispose();
    }
  });

  it('holds a token to its socket quota (4429 beyond it) and a socket to its operation quota', async () => {
    const sockets: ReturnType<typeof createClient>[] = [];
    const open = (role: Role) =>
      new Promise<'open' | { code: number; reason: string }>((resolve) => {
        const client = createClient({
          url: cosmos.url.replace(/^http/, 'ws'),
          webSocketImpl: WebSocket,
          connectionParams: as(role),
          retryAttempts: 0,
          lazy: false,
          onNonLazyError: () => undefined,
          on: { connected: () => resolve('open'), closed: (event) => resolve({ code: (event as { code: number }).code, reason: String((event as { reason: unknown }).reason) }) },
        });
        sockets.push(client);
      });
    try {
      expect(await open('viewer')).toBe('open');
      expect(await open('viewer')).toBe('open');
      expect(await open('viewer')).toEqual({ code: 4429, reason: 'token vera already holds 2 sockets (at most 2)' });
      expect(await open('operator')).toBe('open');
      await sockets[0]!.dispose();
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await open('viewer')).toBe('open');

      const follow = (client: ReturnType<typeof createClient>) =>
        new Promise<unknown>((resolve) => {
          client.subscribe({ query: 'subscription { queueChanged { paused } }' }, { next: resolve, error: resolve, complete: () => undefined });
          setTimeout(() => resolve('still running'), 500);
        });
      const client = sockets[3]!;
      expect(await Promise.all([follow(client), follow(client)])).toEqual(['still running', 'still running']);
      expect(await follow(client)).toEqual([expect.objectContaining({ message: expect.stringMatching(/already runs 2 operations \(at most 2\)/), extensions: { code: 'TOO_MANY_OPERATIONS' } })]);
    } finally {
      await Promise.all(sockets.map((socket) => socket.dispose()));
    }
  });

  it('guards the HTTP routes: outputs and the NDJSON export need a token; health and the playground bundle do not', async () => {
    const get = (path: string, headers: Record<string, string> = {}) => fetch(`${cosmos.baseUrl}${path}`, { headers, signal: AbortSignal.timeout(10_000) });
    for (const path of ['/events.ndjson', '/outputs/run_x/output.mp4', '/input-videos/city/color.mp4']) {
      const refused = await get(path);
      expect({ path, status: refused.status }).toEqual({ path, status: 401 });
      expect(await refused.json()).toMatchObject({ code: 'UNAUTHENTICATED', details: { reason: 'missing' } });
      expect((await get(path, { authorization: `Bearer ${mintToken()}` })).status).toBe(401);
    }
    expect((await get('/events.ndjson', as('viewer'))).status).toBe(200);
    expect((await get('/outputs/run_x/output.mp4', as('viewer'))).status).toBe(404);
    expect((await get('/healthz')).status).toBe(200);
    expect((await get('/readyz')).status).toBe(200);
    expect((await get('/playground/graphiql.js')).status).toBe(200);
    expect((await get('/', { accept: 'text/html' })).status).toBe(200);
  });

  it('takes the dashboard cookie on GETs of files only, never on GraphQL', async () => {
    const cookie = (role: Role) => ({ cookie: `theme=dark; cosmos_token=${encodeURIComponent(tokens[role]!)}` });
    const outputs = `${cosmos.baseUrl}/outputs/run_x/output.mp4`;
    expect((await fetch(outputs, { headers: cookie('viewer'), signal: AbortSignal.timeout(10_000) })).status).toBe(404);
    expect((await fetch(outputs, { headers: { cookie: 'cosmos_token=nonsense' }, signal: AbortSignal.timeout(10_000) })).status).toBe(401);
    expect((await fetch(`${cosmos.baseUrl}/input-videos/city/color.mp4`, { headers: cookie('viewer'), signal: AbortSignal.timeout(10_000) })).status).toBe(404);
    const graphql = await fetch(cosmos.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...cookie('admin') },
      body: JSON.stringify({ query: '{ queue { paused } }' }),
      signal: AbortSignal.timeout(10_000),
    });
    expect(((await graphql.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('UNAUTHENTICATED');
  });
});
