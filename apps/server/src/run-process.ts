import { ConfigError, loadConfig, type CosmosConfig } from '../../../libs/config/src/index.js';
import { JsonLogger } from '../../../libs/config/src/nest/index.js';
import { startCosmos } from './bootstrap.js';

/**
 * The process around a role: validated configuration (a bad key or value exits 2 with every
 * problem named), JSON logs, and a graceful shutdown on SIGINT/SIGTERM bounded by the grace period.
 */
export async function runProcess(overrides: Partial<CosmosConfig['runtime']> = {}): Promise<void> {
  let config: CosmosConfig;
  try {
    const loaded = loadConfig();
    config = { ...loaded, runtime: { ...loaded.runtime, ...overrides } };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`cosmos: invalid configuration\n${error.message}\n`);
    process.exit(2);
  }

  const logger = new JsonLogger({ level: config.log.level });
  const started = Date.now();
  let running: Awaited<ReturnType<typeof startCosmos>>;
  try {
    // Nest's own abort would exit without saying why; the cause goes to the log first.
    running = await startCosmos(config, logger);
  } catch (error) {
    logger.error({ msg: 'start-up failed', error: (error as Error).stack ?? String(error) }, undefined, 'Cosmos');
    process.exit(1);
  }
  logger.log({
    msg: 'cosmos started',
    role: config.runtime.role,
    storage: config.storage.mode,
    graphql: running.url,
    startupMs: Date.now() - started,
  }, 'Cosmos');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log({ msg: 'shutting down', signal }, 'Cosmos');
    const grace = setTimeout(() => {
      logger.error({ msg: 'shutdown exceeded the grace period; exiting', graceSeconds: config.runtime.shutdownGraceSeconds }, undefined, 'Cosmos');
      process.exit(1);
    }, config.runtime.shutdownGraceSeconds * 1000);
    await running.close();
    clearTimeout(grace);
    logger.log({ msg: 'stopped' }, 'Cosmos');
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}
