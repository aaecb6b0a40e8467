import { gunzipSync } from 'node:zlib';
import { CosmosHarness } from '../apps/server/testing/cosmos.harness.js';

const html = { accept: 'text/html' };
const get = (url: string, headers: Record<string, string> = {}) => fetch(url, { headers, signal: AbortSignal.timeout(10_000) });

describe('the playground page and its bundle over HTTP', () => {
  let cosmos: CosmosHarness;

  beforeAll(async () => {
    cosmos = await CosmosHarness.start();
  });

  afterAll(async () => {
    await cosmos?.stop();
  });

  it('serves a page that links only to this origin, and versioned assets cached for good', async () => {
    const response = await get(cosmos.url, html);
    const page = await response.text();
    expect(page).toContain('<div id="graphiql" data-endpoint="/graphql">');
    // No inline or foreign script may run there, and no other site may frame it.
    const policy = response.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).not.toMatch(/script-src[^;]*unsafe/);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(page).not.toMatch(/https?:\/\//);
    const links = [...page.matchAll(/(?:href|src)="(\/playground\/[^"]+)"/g)].map((match) => match[1]);
    expect(links.map((link) => link.split('?')[0]).sort()).toEqual(['/playground/graphiql.css', '/playground/graphiql.js']);

    for (const link of links) {
      const response = await get(`${cosmos.baseUrl}${link}`, { 'accept-encoding': 'identity' });
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(response.headers.get('content-type')).toMatch(link.includes('.js') ? /^text\/javascript/ : /^text\/css/);
      expect((await response.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
    }
  });

  it('describes its schema on loopback (introspection auto), which the playground docs need', async () => {
    expect((await cosmos.gql('{ __schema { queryType { name } } }')).data).toEqual({ __schema: { queryType: { name: 'Query' } } });
  });

  it('gzips for clients that accept it, answers 304 to a matching ETag, serves the linked license text and 404s other names', async () => {
    const plain = Buffer.from(await (await get(`${cosmos.baseUrl}/playground/graphiql.js`, { 'accept-encoding': 'identity' })).arrayBuffer());
    // fetch would inflate on its own; node:http shows the bytes as sent.
    const { request } = await import('node:http');
    const zipped = await new Promise<{ headers: Record<string, unknown>; body: Buffer }>((resolve, reject) => {
      request(`${cosmos.baseUrl}/playground/graphiql.js`, { headers: { 'accept-encoding': 'gzip' }, timeout: 10_000 }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ headers: response.headers, body: Buffer.concat(chunks) }));
      })
        .on('error', reject)
        .end();
    });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.body.length).toBeLessThan(plain.length / 2);
    expect(gunzipSync(zipped.body).equals(plain)).toBe(true);

    const first = await get(`${cosmos.baseUrl}/playground/graphiql.css`);
    expect(first.headers.get('cache-control')).toBe('no-cache');
    const again = await get(`${cosmos.baseUrl}/playground/graphiql.css`, { 'if-none-match': first.headers.get('etag')! });
    expect(again.status).toBe(304);

    expect((await get(`${cosmos.baseUrl}/playground/..%2Fpackage.json`)).status).toBe(404);
    expect((await get(`${cosmos.baseUrl}/playground/graphiql.jsx`)).status).toBe(404);
    // The bundle's linked legal comments name this file, so it is served rather than a dead link.
    const legal = await get(`${cosmos.baseUrl}/playground/graphiql.js.LEGAL.txt`);
    expect([legal.status, legal.headers.get('content-type')]).toEqual([200, 'text/plain; charset=utf-8']);
  });
});

describe('with server.playground off', () => {
  let cosmos: CosmosHarness;

  beforeAll(async () => {
    cosmos = await CosmosHarness.start({ env: { COSMOS_PLAYGROUND: 'false', COSMOS_INTROSPECTION: 'off' } });
  });

  afterAll(async () => {
    await cosmos?.stop();
  });

  it('answers no introspection when it is off', async () => {
    const { errors } = await cosmos.gql('{ __schema { queryType { name } } }');
    expect(errors?.[0]?.message).toMatch(/introspection is not allowed/i);
  });

  it('serves no page and no bundle, while GraphQL still answers', async () => {
    const page = await get(cosmos.url, html);
    expect(await page.text()).not.toContain('graphiql');
    expect((await get(`${cosmos.baseUrl}/playground/graphiql.js`)).status).toBe(404);
    const { data } = await cosmos.gql('{ queue { paused } }');
    expect(data!.queue.paused).toBe(false);
  });
});
