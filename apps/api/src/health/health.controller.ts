import { Controller, Get, HttpCode, Inject, Optional, Res } from '@nestjs/common';
import { redactSecrets } from '../../../../libs/config/src/index.js';
import { EVENT_STORE, type EventStore } from '../../../../libs/eventstore/src/index.js';
import { DOCUMENT_STORE, type DocumentStore, ProjectionRunner } from '../../../../libs/read-models/src/index.js';
import { Public } from '../auth/requires.decorator.js';
import { nodesReadiness } from '../nodes/node-health.js';
import { NodeHealth } from '../nodes/node-health.service.js';

const CHECK_TIMEOUT_MS = 2000;

/** Probes answer anyone: they say whether the service works, nothing of what it holds. */
@Public()
@Controller()
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(DOCUMENT_STORE) private readonly documents: DocumentStore,
    private readonly health: NodeHealth,
    @Optional() private readonly runner?: ProjectionRunner,
  ) {}

  /** Liveness: the process answers. */
  @Get('healthz')
  @HttpCode(200)
  healthz() {
    return { status: 'ok' };
  }

  /**
   * Readiness: both stores answer, and projections run here have caught up with the history (503
   * otherwise). A GPU node that cannot be reached makes the service `degraded`, still 200: every
   * query and command works, only nothing runs on that node.
   */
  @Get('readyz')
  async readyz(@Res({ passthrough: true }) response: { status(code: number): unknown }) {
    const [eventStore, documentStore] = await Promise.all([
      check(() => this.events.headPosition()),
      check(() => this.documents.ping()),
    ]);
    const gpuNodes = documentStore === 'ok' ? await this.nodesReadiness() : 'unknown: the document store does not answer';
    const projections = this.runner ? (this.runner.isCaughtUp() ? 'caught_up' : 'catching_up') : 'not_run_here';
    const ready = eventStore === 'ok' && documentStore === 'ok' && projections !== 'catching_up';
    response.status(ready ? 200 : 503);
    const status = !ready ? 'not_ready' : gpuNodes.startsWith('degraded') ? 'degraded' : 'ready';
    return { status, eventStore, documentStore, projections, gpuNodes };
  }

  private async nodesReadiness(): Promise<string> {
    try {
      return nodesReadiness(await withinTimeout(() => this.health.reach()));
    } catch (error) {
      return `unknown: ${failureText(error)}`;
    }
  }
}

/** `ok`, or why not (a store's message may quote its URI: redacted). */
async function check(probe: () => Promise<unknown>): Promise<string> {
  try {
    await withinTimeout(probe);
    return 'ok';
  } catch (error) {
    return `error: ${failureText(error)}`;
  }
}

async function withinTimeout<T>(probe: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      probe(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function failureText(error: unknown): string {
  return redactSecrets(error instanceof Error ? error.message : String(error));
}
