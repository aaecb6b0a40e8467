import { CosmosHarness } from '../apps/server/testing/cosmos.harness.js';
import { createTestPrompt } from '../apps/server/testing/job-flows.js';

const CREATE = `mutation($input: CreatePromptInput!) {
  createPrompt(input: $input) { __typename ... on PromptCreated { prompt { id text } } ... on InvalidInput { code fields { field problem } } }
}`;

/** Text is Unicode or it is refused: never stored half-broken, never replaced silently. */
describe('text that is not well-formed', () => {
  let cosmos: CosmosHarness;
  const eventCount = async () => (await cosmos.gql('{ events(first: 1) { totalCount } }')).data!.events.totalCount as number;

  beforeAll(async () => {
    cosmos = await CosmosHarness.start();
    await createTestPrompt(cosmos, 'a first prompt', 'harbour');
  });

  afterAll(async () => {
    await cosmos?.stop();
  });

  it('refuses a lone surrogate in any argument, naming the field, and appends nothing', async () => {
    const before = await eventCount();
    for (const text of ['half a pair \ud83d here', 'trailing \udc00', '\ud800']) {
      const { data } = await cosmos.gql(CREATE, { input: { text, videoDir: 'harbour' } });
      expect(data!.createPrompt).toMatchObject({ __typename: 'InvalidInput', code: 'INVALID_INPUT', fields: [{ field: 'input.text', problem: expect.stringMatching(/lone UTF-16 surrogate/) }] });
    }
    const { data } = await cosmos.gql(CREATE, { input: { text: 'fine', videoDir: 'harbour', negativePrompt: 'bad \udfff' } });
    expect(data!.createPrompt.fields).toEqual([{ field: 'input.negativePrompt', problem: expect.stringMatching(/at character 4/) }]);
    const query = await cosmos.gql('query($text: String) { prompts(filter: { text: $text }) { totalCount } }', { text: '\ud800' });
    expect(query.errors?.[0]?.extensions?.code).toBe('INVALID_INPUT');
    expect(await eventCount()).toBe(before);
  });

  it('keeps well-formed text byte-exact: pairs, combining marks, right-to-left text', async () => {
    const text = 'a 🎬 scene, naïve café, שלום, e\u0301, \u202eoverride\u202c';
    const { data } = await cosmos.gql(CREATE, { input: { text, videoDir: 'harbour' } });
    expect(data!.createPrompt.__typename).toBe('PromptCreated');
    const shown = await cosmos.gql('query($id: String!) { prompt(id: $id) { text } }', { id: data!.createPrompt.prompt.id });
    expect(shown.data!.prompt.text).toBe(text);
  });

  it('refuses a body that is not valid UTF-8 with a 400, instead of replacing the bytes', async () => {
    const before = await eventCount();
    const prefix = Buffer.from('{"query":"mutation($input: CreatePromptInput!) { createPrompt(input: $input) { __typename } }","variables":{"input":{"videoDir":"harbour","text":"bad ');
    const body = Buffer.concat([prefix, Buffer.from([0xff, 0xfe]), Buffer.from('"}}}')]);
    const response = await fetch(cosmos.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(10_000) });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'INVALID_UTF8', message: expect.stringMatching(/byte \d+/) });
    expect(await eventCount()).toBe(before);
  });
});
