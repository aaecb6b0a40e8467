import type { Page } from 'playwright-core';
import { BrowserHarness, type PageRecord } from '../libs/testing/src/browser/index.js';
import { mintToken, tokenDigest } from '../libs/auth/src/index.js';
import { CosmosHarness } from '../apps/server/testing/cosmos.harness.js';

/** The GraphiQL at /graphql in headless Chromium with everything outside 127.0.0.1 refused. */
describe('the GraphQL playground works with no internet', () => {
  let cosmos: CosmosHarness;
  let browser: BrowserHarness;

  beforeAll(async () => {
    cosmos = await CosmosHarness.start();
    browser = await BrowserHarness.launch();
  });

  afterAll(async () => {
    await browser?.close();
    await cosmos?.stop();
  });

  const openPlayground = async (operation: string): Promise<PageRecord> => {
    const record = await browser.open(`${cosmos.url}?query=${encodeURIComponent(operation)}`);
    await record.page.locator('.graphiql-execute-button').waitFor();
    return record;
  };
  const run = (page: Page) => page.locator('.graphiql-execute-button').click();
  const response = (page: Page) => page.locator('.graphiql-response');
  const expectOnlyLoopback = (record: PageRecord) => {
    expect(record.blocked).toEqual([]);
    expect(record.errors).toEqual([]);
    expect(record.allowed.length).toBeGreaterThan(0);
  };

  it('loads GraphiQL from this host and runs a query', async () => {
    const record = await openPlayground('query Queue { queue { paused revision } }');
    const { page } = record;
    expect(await page.title()).toContain('Cosmos Workflow');
    await run(page);
    await expect(waitForText(response(page), '"paused": false')).resolves.toContain('"revision": -1');
    await browser.screenshot(page, 'playground-query');

    const scripts = record.allowed.filter((url) => url.includes('/playground/'));
    expect(scripts.map((url) => new URL(url).pathname).sort()).toEqual(['/playground/graphiql.css', '/playground/graphiql.js']);
    expectOnlyLoopback(record);
  });

  it('runs a subscription over graphql-ws inside the page: catch-up, then live', async () => {
    // eventAppended catches up from a position, so the pause counts whether it lands before or
    // after the server has registered the subscription; the resume then can only come live.
    const record = await openPlayground('subscription Queue { eventAppended(afterPosition: "0", filter: { categories: ["queue"] }) { type data } }');
    const { page } = record;
    await run(page);
    const paused = await cosmos.gql(`mutation { pauseQueue(input: { reason: "seen in the browser" }) { __typename } }`);
    expect(paused.data!.pauseQueue.__typename).toBe('QueueChanged');
    await expect(waitForText(response(page), '"QueuePaused"')).resolves.toContain('seen in the browser');

    await cosmos.gql(`mutation { resumeQueue(input: { reason: "resumed from the test" }) { __typename } }`);
    await expect(waitForText(response(page), '"QueueResumed"')).resolves.toContain('resumed from the test');
    await browser.screenshot(page, 'playground-subscription');
    expect(record.allowed.some((url) => url.startsWith('ws://127.0.0.1'))).toBe(true);
    expectOnlyLoopback(record);
  });

  it('browses the schema docs down to a field and its description', async () => {
    const record = await openPlayground('{ __typename }');
    const { page } = record;
    await page.getByRole('button', { name: /Show Documentation Explorer/i }).click();
    await page.locator('.graphiql-doc-explorer').getByText('Query', { exact: true }).click();
    await page.locator('.graphiql-doc-explorer').getByText('events', { exact: true }).first().click();
    await expect(waitForText(page.locator('.graphiql-doc-explorer'), 'EventConnection')).resolves.toMatch(/oldest first/i);
    await browser.screenshot(page, 'playground-docs');
    expectOnlyLoopback(record);
  });
});

describe('the playground with tokens in use', () => {
  const token = mintToken();
  let cosmos: CosmosHarness;
  let browser: BrowserHarness;

  beforeAll(async () => {
    cosmos = await CosmosHarness.start({ toml: `[[auth.tokens]]\nname = "pat"\nrole = "operator"\nsha256 = "${tokenDigest(token)}"\n` });
    browser = await BrowserHarness.launch();
  });

  afterAll(async () => {
    await browser?.close();
    await cosmos?.stop();
  });

  it('sends the Authorization typed in the Headers tab on requests and on the socket', async () => {
    const operation = 'subscription Queue { eventAppended(afterPosition: "0", filter: { categories: ["queue"] }) { type metadata { actor } } }';
    const record = await browser.open(`${cosmos.url}?query=${encodeURIComponent(operation)}`);
    const { page } = record;
    await page.getByText('Headers', { exact: true }).click();
    // GraphiQL 4's editors are CodeMirror 5, which hangs its API on the editor's element.
    await page.evaluate((value) => {
      // Runs in the page; typed by hand, as this project's TypeScript has no DOM library.
      type Editor = { CodeMirror: { setValue(text: string): void } };
      const page = globalThis as unknown as { document: { querySelectorAll(selector: string): ArrayLike<Editor> } };
      const editors = Array.from(page.document.querySelectorAll('.graphiql-editor-tool .CodeMirror'));
      editors[editors.length - 1]!.CodeMirror.setValue(value);
    }, JSON.stringify({ Authorization: `Bearer ${token}` }));
    await page.locator('.graphiql-execute-button').click();
    const paused = await fetch(cosmos.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: 'mutation { pauseQueue(input: { reason: "with a token" }) { __typename } }' }),
      signal: AbortSignal.timeout(10_000),
    });
    expect(((await paused.json()) as { data: unknown }).data).toEqual({ pauseQueue: { __typename: 'QueueChanged' } });
    await expect(waitForText(page.locator('.graphiql-response'), '"QueuePaused"')).resolves.toContain('"actor": "pat"');
    await browser.screenshot(page, 'playground-with-token');
    expect(record.blocked).toEqual([]);
  });
});

/** The locator's text once it contains `needle` (GraphiQL renders answers asynchronously). */
async function waitForText(locator: ReturnType<Page['locator']>, needle: string, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let text = '';
  while (Date.now() < deadline) {
    text = await locator.innerText();
    if (text.includes(needle)) return text;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`"${needle}" did not appear; the text was:\n${text}`);
}
