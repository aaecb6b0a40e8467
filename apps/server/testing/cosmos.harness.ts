import { createClient, type Client } from 'graphql-ws';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startCosmos, type RunningCosmos } from '../src/bootstrap.js';
import { loadConfig } from '../../../libs/config/src/index.js';
import { type Decider, type DomainEvent, ids } from '../../../libs/domain/src/index.js';
import { EventSourcedCommandHandler, type CommandResult } from '../../../libs/eventstore/src/index.js';
import { DOCUMENT_STORE, type DocumentStore, SqliteDocumentStore } from '../../../libs/read-models/src/index.js';

export interface GraphqlResponse<T = Record<string, any>> {
  data?: T;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

/**
 * A real Cosmos process (embedded mode, random port, its own data folder) for e2e tests, with a
 * GraphQL-over-HTTP helper and graphql-ws subscriptions. `restart()` keeps the data folder.
 */
export class CosmosHarness {
  private running: RunningCosmos | null = null;
  private readonly clients: Client[] = [];

  private constructor(readonly dataDir: string, private readonly env: Record<string, string>) {}

  /** `toml` becomes the instance's cosmos.toml; `env` overrides it, as in production. */
  static async start(options: { env?: Record<string, string>; toml?: string } = {}): Promise<CosmosHarness> {
    const harness = new CosmosHarness(mkdtempSync(join(tmpdir(), 'cosmos-e2e-')), options.env ?? {});
    if (options.toml) writeFileSync(join(harness.dataDir, 'cosmos.toml'), options.toml);
    await harness.boot();
    return harness;
  }

  /** Where tests put input video folders (the instance's inputs root). */
  get inputsRoot(): string {
    return join(this.dataDir, 'inputs');
  }

  get outputsRoot(): string {
    return join(this.dataDir, 'outputs');
  }

  /**
   * Issues a command straight through the app's command handler, as a worker would: for states
   * that later capabilities produce (a run that completed, say) before those capabilities exist.
   */
  async execute<C, E extends DomainEvent, S>(decider: Decider<C, E, S>, streamId: string, command: C, actor = 'system:test'): Promise<CommandResult<E>> {
    const handler = this.running!.app.get(EventSourcedCommandHandler);
    return handler.handle(decider, streamId, command, { commandId: ids.command(), actor, now: new Date().toISOString() });
  }

  /** A provider of the running app (EVENT_STORE, DOCUMENT_STORE, …), for checks behind the API. */
  get<T>(token: string | symbol): T {
    return this.running!.app.get<T>(token);
  }

  get url(): string {
    if (!this.running?.url) throw new Error('Cosmos is not running');
    return this.running.url;
  }

  get baseUrl(): string {
    return this.url.replace(/\/graphql$/, '');
  }

  async gql<T = Record<string, any>>(query: string, variables: Record<string, unknown> = {}, actor = 'e2e'): Promise<GraphqlResponse<T>> {
    const response = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-cosmos-actor': actor },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(10_000),
    });
    return (await response.json()) as GraphqlResponse<T>;
  }

  /**
   * Collects a subscription's payloads; `next(n)` waits (bounded) until n have arrived, `done()`
   * until the server completed it. A result with errors fails both. `listening()` waits until the
   * server-side resolver has opened its read-model watch, so a change made after it is not missed
   * (a fixed pause was not enough on a loaded machine).
   */
  subscribe<T = Record<string, any>>(
    query: string,
  ): { next(count?: number, timeoutMs?: number): Promise<T[]>; done(timeoutMs?: number): Promise<T[]>; listening(timeoutMs?: number): Promise<void>; stop(): void } {
    const watchesBefore = this.openWatches();
    const client = createClient({ url: this.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, lazy: false, retryAttempts: 0 });
    this.clients.push(client);
    const received: T[] = [];
    const waiters: (() => void)[] = [];
    let failure: Error | null = null;
    let completed = false;
    const stop = client.subscribe<T>(
      { query },
      {
        next: (value) => {
          if (value.data) received.push(value.data as T);
          if (value.errors) failure = new Error(value.errors.map((error) => error.message).join('; '));
          waiters.splice(0).forEach((wake) => wake());
        },
        error: (error) => {
          failure = error instanceof Error ? error : new Error(JSON.stringify(error));
          waiters.splice(0).forEach((wake) => wake());
        },
        complete: () => {
          completed = true;
          waiters.splice(0).forEach((wake) => wake());
        },
      },
    );
    const waitFor = async (reached: () => boolean, timeoutMs: number, expected: string): Promise<T[]> => {
      const deadline = Date.now() + timeoutMs;
      while (!reached()) {
        if (failure) throw failure;
        if (completed) throw new Error(`expected ${expected}, but it completed after ${received.length} payloads: ${JSON.stringify(received)}`);
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`expected ${expected}, got ${received.length} payloads: ${JSON.stringify(received)}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return received.slice();
    };
    const listening = async (timeoutMs = 5000): Promise<void> => {
      if (watchesBefore === null) return this.settle();
      const deadline = Date.now() + timeoutMs;
      while (this.openWatches()! <= watchesBefore) {
        if (failure) throw failure;
        if (Date.now() > deadline) throw new Error(`the subscription opened no read-model watch within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    };
    return {
      stop,
      listening,
      next: async (count = 1, timeoutMs = 5000) => (await waitFor(() => received.length >= count, timeoutMs, `${count} subscription payloads`)).slice(0, count),
      done: (timeoutMs = 5000) => waitFor(() => completed && failure === null, timeoutMs, 'the subscription to complete'),
    };
  }

  /** Watches the embedded document store has open; null with another store. */
  private openWatches(): number | null {
    const store = this.get<DocumentStore>(DOCUMENT_STORE);
    return store instanceof SqliteDocumentStore ? store.openWatches : null;
  }

  /** Waits until a subscription is registered server-side (graphql-ws acknowledges lazily). */
  async settle(ms = 150): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, ms));
  }

  /** Stops the process and starts it again on the same data; `whileDown` runs in between. */
  async restart(whileDown: () => Promise<void> = async () => undefined): Promise<void> {
    await this.stopApp();
    await whileDown();
    await this.boot();
  }

  async stop(): Promise<void> {
    await this.stopApp();
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  private async boot(): Promise<void> {
    const env = { COSMOS_PORT: '0', COSMOS_DATA_DIR: this.dataDir, COSMOS_INPUTS_ROOT: this.inputsRoot, COSMOS_OUTPUTS_ROOT: this.outputsRoot };
    const config = loadConfig({ env: { ...env, ...this.env }, cwd: this.dataDir });
    this.running = await startCosmos(config);
  }

  private async stopApp(): Promise<void> {
    await Promise.all(this.clients.splice(0).map((client) => client.dispose()));
    await this.running?.close();
    this.running = null;
  }
}
