import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Where screenshots go: CI keeps this folder as the run's artifacts (it is git-ignored). */
export const ARTIFACTS_FOLDER = join(process.cwd(), 'test-artifacts');

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const LAUNCH_TIMEOUT_MS = 30_000;
const ACTION_TIMEOUT_MS = 15_000;

// Nothing may leave the machine: no update checks, no safe-browsing pings, no QUIC probes.
const QUIET_FLAGS = [
  '--no-sandbox', // CI runs as root, where Chromium's sandbox refuses to start
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
  '--no-first-run',
  '--disable-quic',
  '--metrics-recording-only',
];

/** What a page asked for and said while a test drove it. */
export interface PageRecord {
  readonly page: Page;
  /** Every URL the page requested outside 127.0.0.1: each was refused. */
  readonly blocked: string[];
  /** Every URL it was allowed to fetch. */
  readonly allowed: string[];
  /** Uncaught exceptions and console errors. */
  readonly errors: string[];
}

/**
 * Debian's Chromium driven by playwright-core, with every request outside 127.0.0.1 refused, so a
 * page that needs the internet fails here as it would on an air-gapped cluster. One browser per
 * suite; each `open` gets a fresh context (no shared storage between tests).
 */
export class BrowserHarness {
  private readonly contexts: BrowserContext[] = [];

  private constructor(private readonly browser: Browser) {}

  static async launch(): Promise<BrowserHarness> {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`No Chromium at ${CHROMIUM}: install Debian's chromium package (.ci/run does) or set CHROMIUM_PATH`);
    }
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: QUIET_FLAGS, timeout: LAUNCH_TIMEOUT_MS });
    return new BrowserHarness(browser);
  }

  async open(url: string, viewport = { width: 1400, height: 900 }): Promise<PageRecord> {
    const context = await this.browser.newContext({ viewport, serviceWorkers: 'block' });
    this.contexts.push(context);
    context.setDefaultTimeout(ACTION_TIMEOUT_MS);
    const record: PageRecord = { page: await context.newPage(), blocked: [], allowed: [], errors: [] };
    await context.route('**/*', (route) => {
      const requested = route.request().url();
      if (isLoopback(requested)) {
        record.allowed.push(requested);
        return route.continue();
      }
      record.blocked.push(requested);
      return route.abort('blockedbyclient');
    });
    await context.routeWebSocket(/.*/, (socket) => {
      if (isLoopback(socket.url())) {
        record.allowed.push(socket.url());
        socket.connectToServer();
        return;
      }
      record.blocked.push(socket.url());
      void socket.close({ code: 1008, reason: 'blocked: not 127.0.0.1' });
    });
    record.page.on('pageerror', (error) => record.errors.push(`page error: ${error.message}`));
    record.page.on('console', (message) => {
      if (message.type() === 'error') record.errors.push(`console: ${message.text()}`);
    });
    await record.page.goto(url, { waitUntil: 'load' });
    return record;
  }

  /** Saves a full-page PNG under test-artifacts/ and answers its path. */
  async screenshot(page: Page, name: string): Promise<string> {
    mkdirSync(ARTIFACTS_FOLDER, { recursive: true });
    const path = join(ARTIFACTS_FOLDER, `${name}.png`);
    await page.screenshot({ path, fullPage: true });
    return path;
  }

  async close(): Promise<void> {
    for (const context of this.contexts) await context.close().catch(() => undefined);
    await this.browser.close();
  }
}

function isLoopback(url: string): boolean {
  if (url.startsWith('data:') || url.startsWith('blob:') || url === 'about:blank') return true;
  try {
    return new URL(url).hostname === '127.0.0.1';
  } catch {
    return false;
  }
}
