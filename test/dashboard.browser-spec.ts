import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { mintToken, tokenDigest } from '../libs/auth/src/index.js';
import { makeTestVideo } from '../libs/media/src/index.js';
import { BrowserHarness, type PageRecord } from '../libs/testing/src/browser/index.js';
import { CosmosHarness } from '../apps/server/testing/cosmos.harness.js';
import { createTestPrompt, requestInference, waitForJob } from '../apps/server/testing/job-flows.js';

const VIEWS = ['/inputs', '/prompts', '/queue', '/runs', '/history'] as const;

/**
 * The dashboard at `/` in headless Chromium against a booted service on the simulated node, with
 * every request outside 127.0.0.1 refused. The service keeps one port across a restart, so the
 * page's socket can find it again.
 */
describe('the dashboard, driven in a real browser', () => {
  let cosmos: CosmosHarness;
  let browser: BrowserHarness;

  beforeAll(async () => {
    cosmos = await CosmosHarness.start({ env: { COSMOS_GPU_SIMULATED_DURATION_MS: '2500', COSMOS_PORT: String(await freePort()) } });
    await makeTestVideo(join(cosmos.inputsRoot, 'city', 'color.mp4'), { frames: 24 });
    await makeTestVideo(join(cosmos.inputsRoot, 'city', 'depth.mp4'), { frames: 24 });
    await makeTestVideo(join(cosmos.inputsRoot, 'broken', 'depth.mp4'), { frames: 12 });
    browser = await BrowserHarness.launch();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await cosmos?.stop();
  });

  const open = (path: string, viewport?: { width: number; height: number }) => browser.open(`${cosmos.baseUrl}${path}`, viewport);
  const live = (page: Page) => page.getByTestId('connection').filter({ hasText: 'Live' }).waitFor();
  const expectOnlyLoopback = (record: PageRecord) => {
    expect(record.blocked).toEqual([]);
    expect(record.errors).toEqual([]);
  };

  it('creates a prompt from an input folder, queues inference, and shows the run finish, its log and its output live', async () => {
    const record = await open('/inputs');
    const { page } = record;
    await live(page);
    const city = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'city' }) });
    await expect(textOf(city)).resolves.toMatch(/24 frames · 24 fps · 320×180/);
    await expect(textOf(city)).resolves.toContain('vis, edge, depth');
    await expect(textOf(page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'broken' }) }))).resolves.toMatch(/no color\.mp4/);

    await city.getByRole('button', { name: 'Create prompt' }).click();
    await page.getByRole('button', { name: 'Create prompt' }).last().click();
    // The service's own validation, shown beside the field it is about.
    await page.locator('#prompt-text-problem').waitFor();
    expect(await page.getByLabel('Prompt text').getAttribute('aria-invalid')).toBe('true');
    await page.getByLabel('Prompt text').fill('a rainy city street at dusk, neon reflections');
    await page.getByRole('dialog').getByRole('button', { name: 'Create prompt' }).click();
    await page.waitForURL(/\/prompts\/ps_/);
    await page.getByText('a rainy city street at dusk, neon reflections').first().waitFor();

    await page.getByRole('button', { name: 'Run inference…' }).click();
    await page.getByRole('slider', { name: 'Depth' }).fill('0.6');
    await page.getByRole('button', { name: 'Preview spec' }).click();
    await expect(textOf(page.getByRole('region', { name: 'Dry run' }))).resolves.toMatch(/"depth"[\s\S]*0\.6/);
    await page.getByRole('button', { name: 'Queue inference' }).click();
    await page.waitForURL(/\/jobs\/job_/);
    const runLink = page.getByRole('link', { name: /^rs_/ }).first();
    await runLink.waitFor();
    await runLink.click();
    await page.waitForURL(/\/runs\/rs_/);
    const runId = page.url().split('/').pop()!;

    // Nobody reloads: the status and the log arrive over the subscriptions.
    await page.getByRole('tab', { name: 'Logs' }).click();
    await page.getByTestId('run-log').locator('.log-line').first().waitFor({ timeout: 20_000 });
    await page.locator('.panel-head .badge', { hasText: 'completed' }).waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('run-log').locator('.log-line').count()).toBeGreaterThan(0);
    await page.getByRole('searchbox', { name: 'Filter' }).fill('no line says this');
    await page.getByText(/^0 of \d+ lines$/).waitFor();
    await page.getByLabel('regex').check();
    await page.getByRole('searchbox', { name: 'Filter' }).fill('([');
    await page.getByText(/Not a regular expression/).waitFor();

    await page.getByRole('tab', { name: 'Outputs' }).click();
    const player = page.getByLabel(`Output video of ${runId}`);
    await player.waitFor();
    // Played from /outputs with Range requests: decoded far enough to show a frame.
    await page.waitForFunction(`(() => { const video = document.querySelector('video[aria-label="Output video of ${runId}"]'); return video !== null && video.readyState >= 2 && video.videoWidth > 0; })()`);
    await expect(textOf(page.getByRole('tabpanel'))).resolves.toMatch(/[0-9a-f]{64}/);
    await browser.screenshot(page, 'dashboard-run-outputs');

    await page.getByRole('radiogroup', { name: 'Rating' }).getByRole('radio', { name: '4 stars' }).click();
    await eventually(async () => (await cosmos.gql(`query($id: String!) { run(id: $id) { rating } }`, { id: runId })).data!.run.rating, 4);
    await page.getByRole('radio', { name: '4 stars', checked: true }).waitFor();

    await page.getByRole('button', { name: 'Upscale to 4K' }).click();
    await page.waitForURL((url) => url.pathname.startsWith('/runs/') && !url.pathname.endsWith(runId));
    await page.getByText('Upscale of').waitFor();
    expect(await page.getByRole('link', { name: runId }).count()).toBeGreaterThan(0);
    expectOnlyLoopback(record);
  });

  it('deletes a run after showing what goes, and back/forward and reload keep the view', async () => {
    const promptId = await createTestPrompt(cosmos, 'a harbour at dawn', 'harbour');
    const jobId = await requestInference(cosmos, { promptIds: [promptId] });
    const job = await waitForJob(cosmos, jobId, (candidate) => candidate.status === 'succeeded', 30_000);
    const runId = job.runs[0].id as string;

    const record = await open('/runs?status=completed');
    const { page } = record;
    await live(page);
    await page.locator(`[data-run="${runId}"]`).waitFor();
    await page.reload();
    expect(await page.getByLabel('Status').inputValue()).toBe('completed');
    await page.getByRole('link', { name: runId }).click();
    await page.waitForURL(`**/runs/${runId}`);
    await page.goBack();
    await page.waitForURL('**/runs?status=completed');
    await page.goForward();
    await page.waitForURL(`**/runs/${runId}`);

    await page.getByRole('button', { name: 'Delete…' }).click();
    await expect(textOf(page.getByTestId('deletion-preview'))).resolves.toMatch(/1 run; outputs: .*\d/);
    await page.getByRole('dialog').getByRole('button', { name: 'Delete', exact: true }).click();
    await page.waitForURL('**/runs');
    await eventually(async () => (await cosmos.gql(`query($id: String!) { run(id: $id) { id } }`, { id: runId })).data!.run, null);
    expectOnlyLoopback(record);
  });

  it('pauses the queue and shows a new job wait, then cancels it once it runs', async () => {
    const record = await open('/queue');
    const { page } = record;
    await live(page);
    await page.getByRole('button', { name: 'Pause queue' }).click();
    await page.getByTestId('queue-state').filter({ hasText: 'paused' }).waitFor();

    const promptId = await createTestPrompt(cosmos, 'a desert road', 'desert');
    const jobId = await requestInference(cosmos, { promptIds: [promptId] });
    const waiting = page.getByRole('table', { name: 'Queued jobs' }).locator(`[data-job="${jobId}"]`);
    await waiting.waitFor();
    await browser.screenshot(page, 'dashboard-queue-paused');

    await page.getByRole('button', { name: 'Resume queue' }).click();
    const running = page.getByRole('list', { name: 'Running jobs' }).locator(`[data-job="${jobId}"]`);
    await running.waitFor({ timeout: 20_000 });
    await running.getByRole('button', { name: 'Cancel' }).click();
    const cancelled = await waitForJob(cosmos, jobId, (candidate) => ['cancelled', 'failed', 'succeeded'].includes(candidate.status), 30_000);
    expect(cancelled.status).toBe('cancelled');
    await running.waitFor({ state: 'detached' });
    expectOnlyLoopback(record);
  });

  it('says it is reconnecting while the service restarts, then resumes live', async () => {
    const record = await open('/queue');
    const { page } = record;
    await live(page);
    await cosmos.restart(async () => {
      await page.getByTestId('connection').filter({ hasText: 'Reconnecting' }).waitFor();
    });
    await live(page);
    await cosmos.gql(`mutation { pauseQueue(input: { reason: "after the restart" }) { __typename } }`);
    await page.getByTestId('queue-state').filter({ hasText: 'paused' }).waitFor();
    await cosmos.gql(`mutation { resumeQueue { __typename } }`);
    await page.getByTestId('queue-state').filter({ hasText: 'running' }).waitFor();
    expect(record.blocked).toEqual([]);
  });

  it('renders every view in light and dark, none blank, with no serious accessibility violation', async () => {
    const axe = readFileSync(join(process.cwd(), 'node_modules/axe-core/axe.min.js'), 'utf8');
    for (const theme of ['light', 'dark'] as const) {
      for (const view of VIEWS) {
        const record = await open(view);
        const { page } = record;
        await page.evaluate(`localStorage.setItem('cosmos.theme', '${theme}')`);
        await page.reload();
        await live(page);
        await page.locator('main h2').first().waitFor();
        await page.waitForLoadState('networkidle');
        const name = `dashboard-${view.slice(1)}-${theme}`;
        expect({ name, theme: await page.evaluate('document.documentElement.dataset.theme') }).toEqual({ name, theme });
        const shot = await browser.screenshot(page, name);
        expect({ name, blank: (await distinctColours(page, readFileSync(shot))) < 8 }).toEqual({ name, blank: false });
        await page.evaluate(axe);
        const violations = (await page.evaluate(`axe.run(document, { resultTypes: ['violations'] }).then((result) => result.violations
          .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
          .map((violation) => violation.id + ': ' + violation.help + ' at ' + violation.nodes.map((node) => node.target.join(' ')).join(', ')))`)) as string[];
        expect({ name, violations }).toEqual({ name, violations: [] });
        expectOnlyLoopback(record);
      }
    }
  });

  it('fits a laptop half-screen: no horizontal scroll on any view', async () => {
    for (const view of VIEWS) {
      const { page } = await open(view, { width: 700, height: 800 });
      await live(page);
      await page.locator('main h2').first().waitFor();
      const overflow = await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
      expect({ view, overflow }).toEqual({ view, overflow: 0 });
      if (view === '/runs') await browser.screenshot(page, 'dashboard-runs-narrow');
    }
  });
});

describe('the dashboard with tokens in use', () => {
  const token = mintToken();
  let cosmos: CosmosHarness;
  let browser: BrowserHarness;

  beforeAll(async () => {
    cosmos = await CosmosHarness.start({ toml: `[auth]\nrequired = true\n\n[[auth.tokens]]\nname = "pat"\nrole = "operator"\nsha256 = "${tokenDigest(token)}"\n` });
    browser = await BrowserHarness.launch();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await cosmos?.stop();
  });

  it('asks for a token, refuses a wrong one, and works with the right one', async () => {
    const record = await browser.open(`${cosmos.baseUrl}/queue`);
    const { page } = record;
    const dialog = page.getByRole('dialog', { name: 'Sign in' });
    await dialog.waitFor();
    await page.getByLabel('Token').fill(mintToken());
    await dialog.getByRole('button', { name: 'Sign in' }).click();
    await dialog.getByText(/refused this token/).waitFor();
    await page.getByLabel('Token').fill(token);
    await dialog.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('connection').filter({ hasText: 'Live' }).waitFor();
    await page.getByTestId('queue-state').waitFor();
    await browser.screenshot(page, 'dashboard-signed-in');
    // The cookie set at sign-in lets players fetch files: a missing output is a 404, not a 401.
    const status = await page.evaluate(`fetch('/outputs/run_x/output.mp4').then((answer) => answer.status)`);
    expect(status).toBe(404);
    expect(record.blocked).toEqual([]);
  });
});

async function textOf(locator: ReturnType<Page['locator']>): Promise<string> {
  await locator.first().waitFor();
  return locator.first().innerText();
}

async function eventually<T>(read: () => Promise<T>, expected: T, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await read();
    if (JSON.stringify(last) === JSON.stringify(expected)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect(last).toEqual(expected);
}

/** Distinct colours in a screenshot, counted by the page itself (its canvas decodes the PNG). */
async function distinctColours(page: Page, png: Buffer): Promise<number> {
  // A string: this project's TypeScript has no DOM library; the code runs in the page.
  return page.evaluate(`(async () => {
    const bitmap = new Image();
    bitmap.src = 'data:image/png;base64,${png.toString('base64')}';
    await bitmap.decode();
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const context = canvas.getContext('2d');
    context.drawImage(bitmap, 0, 0);
    const pixels = context.getImageData(0, 0, bitmap.width, bitmap.height).data;
    const seen = new Set();
    for (let i = 0; i < pixels.length; i += 4 * 97) seen.add((pixels[i] << 16) | (pixels[i + 1] << 8) | pixels[i + 2]);
    return seen.size;
  })()`) as Promise<number>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}
